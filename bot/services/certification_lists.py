"""The lists staff page through (pending, self-reported, to visit, suspended, certified), as of now.

In campaign mode everyone is in the year's cycle and a list is one query over it (storage: counts,
listing). In rolling mode each retiree is in a cycle of their own (due 12 months after their last
certification, or by their birthday month), so the lists are built here from every living retiree of the
staff member's units and their records:
- a retiree whose cycle has a record, or whose window has opened, is listed by that cycle's status
  (pending when there is no record yet);
- one still suspended from an earlier cycle stays on the suspended list until they certify;
- one not due yet is on the certified list if they certified in the last year, and on no list otherwise.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.certification import (
    CertificationRecord,
    CertList,
    CertListItem,
    CertStatus,
    RetireeStanding,
)
from bot.domain.certification_calendar import CertificationCalendar, Cycle, Mode
from bot.ports import UnitOfWork


class StaffLists(Protocol):
    async def counts(self) -> Mapping[CertList, int]: ...
    async def page(self, which: CertList, offset: int, limit: int) -> Sequence[CertListItem]: ...
    async def page_after(
        self, which: CertList, after: CertListItem | None, limit: int
    ) -> Sequence[CertListItem]:
        """The page that follows `after` (None: the first): a whole list walked at the same cost per page."""
        ...


def _order(item: CertListItem) -> tuple[int, str, int]:
    return item.community_id, item.name, item.retiree_id


@dataclass(frozen=True, slots=True)
class _CampaignLists:
    uow: UnitOfWork
    cycle: str
    unit_ids: Sequence[int]
    all_pending_to_visit: bool

    async def counts(self) -> Mapping[CertList, int]:
        return await self.uow.certification.counts(self.cycle, self.unit_ids, self.all_pending_to_visit)

    async def page(self, which: CertList, offset: int, limit: int) -> Sequence[CertListItem]:
        return await self.uow.certification.listing(
            self.cycle, self.unit_ids, which, self.all_pending_to_visit, offset, limit
        )

    async def page_after(
        self, which: CertList, after: CertListItem | None, limit: int
    ) -> Sequence[CertListItem]:
        return await self.uow.certification.listing_after(
            self.cycle, self.unit_ids, which, self.all_pending_to_visit, after, limit
        )


@dataclass(frozen=True, slots=True)
class _RollingLists:
    lists: Mapping[CertList, Sequence[CertListItem]]

    async def counts(self) -> Mapping[CertList, int]:
        return {which: len(items) for which, items in self.lists.items()}

    async def page(self, which: CertList, offset: int, limit: int) -> Sequence[CertListItem]:
        return self.lists[which][offset : offset + limit]

    async def page_after(
        self, which: CertList, after: CertListItem | None, limit: int
    ) -> Sequence[CertListItem]:
        items = self.lists[which]
        start = 0 if after is None else bisect_right(items, _order(after), key=_order)
        return items[start : start + limit]


def staff_task_reached(cycle: Cycle, now: datetime) -> bool:
    """After the staff-task date everyone still pending is to be visited, not only those who asked."""
    return cycle.staff_task_at is not None and now >= cycle.staff_task_at


async def staff_lists(
    uow: UnitOfWork, calendar: CertificationCalendar, unit_ids: Sequence[int], now: datetime
) -> StaffLists:
    if calendar.mode is Mode.CAMPAIGN:
        cycle = calendar.current_cycle(now)
        return _CampaignLists(uow, cycle.key, unit_ids, staff_task_reached(cycle, now))
    lists: dict[CertList, list[CertListItem]] = {which: [] for which in CertList}
    for standing in await uow.certification.standings(unit_ids):
        for which, item in _rolling_placement(calendar, standing, now):
            lists[which].append(item)
    return _RollingLists(lists)


def _rolling_placement(
    calendar: CertificationCalendar, standing: RetireeStanding, now: datetime
) -> list[tuple[CertList, CertListItem]]:
    today = calendar.local_date(now)
    certified = [r for r in standing.records if r.status is CertStatus.CERTIFIED and r.certified_at]
    last = max(certified, key=lambda r: r.certified_at or now) if certified else None
    cycle = calendar.rolling_cycle_now(last.certified_at if last else None, standing.birth_date, now)
    record = next((r for r in standing.records if r.cycle == cycle.key), None)
    latest = standing.records[-1] if standing.records else None  # records come in cycle order
    if record is None and latest is not None and latest.status is CertStatus.SUSPENDED:
        record = latest
    if record is None and cycle.window_start > today:
        return [] if last is None else [(CertList.CERTIFIED, _item(standing, last))]
    record = record or CertificationRecord(standing.retiree_id, cycle.key, CertStatus.PENDING)
    item = _item(standing, record)
    placed = [(CertList(record.status.value), item)]
    if record.status is CertStatus.PENDING and (item.visit_requested or staff_task_reached(cycle, now)):
        placed.append((CertList.TO_VISIT, item))
    return placed


def _item(standing: RetireeStanding, record: CertificationRecord) -> CertListItem:
    return CertListItem(
        retiree_id=standing.retiree_id,
        name=standing.name,
        id_masked=standing.id_masked,
        community_id=standing.community_id,
        status=record.status,
        lives_elsewhere=standing.lives_elsewhere,
        visit_requested=record.visit_requested_at is not None,
        certified_at=record.certified_at,
        method=record.method,
    )
