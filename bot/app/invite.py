"""`retiree-bot staff-invite --unit CODE --role ROLE`: a one-time deep link for a staff member."""

from __future__ import annotations

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.people import StaffRole
from bot.services.staff_invites import INVITE_TTL, UnknownUnit, create_invite, invite_link

from . import CommandError
from .database import open_database


async def staff_invite(settings: Settings, unit_code: str, role: str, bot_username: str | None) -> str:
    database = await open_database(settings)
    try:
        token = await create_invite(database.uow, unit_code, StaffRole(role), SystemClock())
    except UnknownUnit:
        raise CommandError(f"no org unit with code {unit_code!r}; import the units first") from None
    finally:
        await database.dispose()
    hours = int(INVITE_TTL.total_seconds() // 3600)
    lines = [f"One-time invite for {role} of unit {unit_code}, valid for {hours} hours."]
    if bot_username:
        lines.append(f"Link: {invite_link(bot_username, token)}")
    lines.append(f"Or send the bot this message: /start {token}")
    return "\n".join(lines)
