"""Shared sentences and names the flows use in more than one place."""

from __future__ import annotations

from bot.domain.family import Relation
from bot.domain.people import StaffRole
from bot.events import EventKind
from bot.flows import buttons
from bot.flows.context import Context
from bot.i18n import N_
from bot.services import accounts

STAFF_ROLES: dict[StaffRole, str] = {
    StaffRole.STAFF: N_("staff member"),
    StaffRole.SUPERVISOR: N_("supervisor"),
    StaffRole.ADMIN: N_("administrator"),
}

CANCELLED = N_("Stopped. Nothing was saved.")
UNSUPPORTED_CONTENT = N_("Sorry, I can only read text messages and button presses here.")
VOICE_HINT = N_(
    "If typing is hard, the microphone key on your phone's keyboard turns what you say into text. "
    "Or press “📞 Ask a person”."
)
UNKNOWN_COMMAND = N_("Sorry, I do not know that command.")
STALE_BUTTON = N_("This button is no longer active.")
PRIVATE_ONLY = N_("Please talk to me in a private chat: open my profile and press “Message”.")
SOMETHING_WRONG = N_("Sorry, something went wrong on our side. Please try again.")


def staff_role(ctx: Context, role: StaffRole) -> str:
    return ctx.t.gettext(STAFF_ROLES[role])


def relation(ctx: Context, value: str) -> str:
    try:
        return ctx.t.gettext(buttons.RELATIONS[Relation(value)])
    except ValueError:
        return value


async def community_name(ctx: Context) -> str | None:
    unit = await accounts.community(ctx.uow, ctx.account)
    return unit.name if unit is not None else None


async def contact_lead(ctx: Context) -> str:
    role = ctx.account.role.value
    return ctx.render("contact.html.j2", community=await community_name(ctx), role=role)


def unsupported_content(ctx: Context) -> str:
    """What to say to a sticker, a file, a voice message...: a voice message (often easier than typing for
    our oldest users) gets a way to say it that the bot can read."""
    said = ctx.msg(UNSUPPORTED_CONTENT)
    return f"{said}\n{ctx.msg(VOICE_HINT)}" if ctx.event.kind is EventKind.VOICE else said
