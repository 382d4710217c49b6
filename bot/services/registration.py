"""Identifying a retiree (or a family member's retiree) against the roster, with attempt limiting.

A lookup needs both the keyed hash of the ID number and the name to match. The caller learns only
"matched" or "not found", never which of the two was wrong, so the bot cannot be used to probe whether an
ID number is on the roster. Five failures within an hour lock the account out of lookups until the oldest
of them is an hour old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.family import Relation
from bot.domain.names import names_match
from bot.domain.people import AccountRole, Retiree
from bot.domain.resident_id import ResidentId
from bot.ports import UnitOfWork

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


class Outcome(StrEnum):
    MATCHED = "matched"
    NOT_FOUND = "not_found"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class MatchResult:
    outcome: Outcome
    retiree: Retiree | None = None


async def is_locked(uow: UnitOfWork, account_id: int, now: datetime) -> bool:
    return await uow.login_attempts.failures_since(account_id, now - FAILURE_WINDOW) >= MAX_FAILURES


async def find_retiree(
    uow: UnitOfWork,
    *,
    account_id: int,
    name: str,
    resident_id: ResidentId,
    id_hash_key: bytes,
    now: datetime,
    purpose: str,
    allow_deceased: bool = False,
) -> MatchResult:
    """Look the person up; a miss is recorded as a failed attempt. `purpose` names it in the audit log."""
    if await is_locked(uow, account_id, now):
        return MatchResult(Outcome.LOCKED)
    retiree = await uow.retirees.find_by_id_hash(resident_id.keyed_hash(id_hash_key))
    if retiree is None or not names_match(retiree.name, name) or (retiree.deceased and not allow_deceased):
        await uow.login_attempts.record_failure(account_id, now)
        await uow.audit.record(account_id, f"{purpose}.not_found", f"account:{account_id}", {}, now)
        return MatchResult(Outcome.NOT_FOUND)
    return MatchResult(Outcome.MATCHED, retiree)


async def bind_retiree(uow: UnitOfWork, account_id: int, retiree: Retiree, now: datetime) -> None:
    await uow.accounts.set_role(account_id, AccountRole.RETIREE, retiree.id)
    await uow.audit.record(account_id, "retiree.bound", f"retiree:{retiree.id}", {}, now)


async def link_family(
    uow: UnitOfWork, account_id: int, retiree_id: int, relation: Relation, now: datetime
) -> None:
    account = await uow.accounts.get(account_id)
    await uow.family.link(account_id, retiree_id, relation.value)
    # A staff member or retiree who also looks after a relative keeps their own role.
    if account is not None and account.role is AccountRole.NEW:
        await uow.accounts.set_role(account_id, AccountRole.FAMILY)
    await uow.audit.record(
        account_id, "family.linked", f"retiree:{retiree_id}", {"relation": relation.value}, now
    )
