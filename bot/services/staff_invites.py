"""One-time staff invitations: a random token in a deep link, stored only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.people import Account, AccountRole, OrgUnit, StaffRole
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory

INVITE_TTL = timedelta(hours=72)
# 24 random bytes give 32 URL-safe characters; Telegram allows 64 in a /start parameter.
TOKEN_BYTES = 24
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class UnknownUnit(LookupError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(text: str) -> bool:
    return _TOKEN_SHAPE.fullmatch(text) is not None


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


async def create_invite(
    uow_factory: UnitOfWorkFactory,
    unit_code: str,
    role: StaffRole,
    clock: Clock,
    ttl: timedelta = INVITE_TTL,
) -> str:
    """Store a new invitation for the unit and return its token (shown once, never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    async with uow_factory() as uow:
        unit = await uow.units.get_by_code(unit_code)
        if unit is None:
            raise UnknownUnit(unit_code)
        await uow.staff.create_invite(hash_token(token), unit.id, role, now + ttl)
        await uow.audit.record(None, "staff.invite_created", f"unit:{unit.id}", {"role": role.value}, now)
        await uow.commit()
    return token


@dataclass(frozen=True, slots=True)
class RedeemedInvite:
    unit: OrgUnit
    role: StaffRole


async def redeem_invite(
    uow: UnitOfWork, token: str, account: Account, now: datetime
) -> RedeemedInvite | None:
    """Make the account staff of the invitation's unit; None if the token is unknown, used or expired."""
    if not looks_like_token(token):
        return None
    invite = await uow.staff.redeem_invite(hash_token(token), account.id, now)
    if invite is None:
        await uow.audit.record(account.id, "staff.invite_rejected", f"account:{account.id}", {}, now)
        return None
    unit = await uow.units.get(invite.unit_id)
    if unit is None:
        return None
    await uow.staff.add_membership(account.id, unit.id, invite.role)
    await uow.accounts.set_role(account.id, AccountRole.STAFF, account.retiree_id)
    await uow.audit.record(
        account.id, "staff.invite_redeemed", f"unit:{unit.id}", {"role": invite.role.value}, now
    )
    return RedeemedInvite(unit, invite.role)
