"""What staff see of the messages sent to the people of their units: recent batches with their counts,
and the accounts that blocked the bot (nothing more reaches them, so staff call or visit instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.outbox import BatchProgress, UnreachableAccount
from bot.ports import UnitOfWork

RECENT_BATCHES = 5
UNREACHABLE_SHOWN = 20


@dataclass(frozen=True, slots=True)
class DeliveryOverview:
    batches: Sequence[BatchProgress]
    unreachable: Sequence[UnreachableAccount]
    unreachable_total: int


async def overview(
    uow: UnitOfWork,
    account_id: int,
    *,
    batches: int = RECENT_BATCHES,
    unreachable: int = UNREACHABLE_SHOWN,
) -> DeliveryOverview:
    """For a staff account: its units' subtrees together (a staff member of two communities sees both);
    an account with no unit sees nothing."""
    unit_ids: set[int] = set()
    for membership in await uow.staff.memberships(account_id):
        unit_ids.update(await uow.units.subtree_ids(membership.unit_id))
    if not unit_ids:
        return DeliveryOverview((), (), 0)
    units = sorted(unit_ids)
    found, total = await uow.outbox.unreachable_accounts(units, 0, unreachable)
    return DeliveryOverview(await uow.outbox.recent_batches(units, batches), found, total)
