"""What staff see: counts, standings and lists of their units' retirees, and who supervises whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    false,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    CertificationRecord,
    CertList,
    CertListItem,
    CertMethod,
    CertStatus,
    RetireeStanding,
    UnitRecipient,
)
from bot.domain.people import StaffRole, UnitKind
from storage.models import (
    AccountRow,
    CertificationRow,
    OrgUnitRow,
    RetireeRow,
    StaffMembershipRow,
)
from storage.repositories.certification.common import CHUNK, in_campaign, joined, list_filter, record_of


class StaffViews:
    _session: AsyncSession

    # --- staff views ----------------------------------------------------------------------------------

    def _in_units(self, cycle: str, unit_ids: Sequence[int]) -> Any:
        return (
            select()
            .select_from(joined(cycle))
            .where(RetireeRow.community_id.in_(list(unit_ids)), in_campaign())
        )

    async def counts(
        self, cycle: str, unit_ids: Sequence[int], all_pending_to_visit: bool
    ) -> Mapping[CertList, int]:
        status = func.coalesce(CertificationRow.status, CertStatus.PENDING.value)
        to_visit = case((list_filter(CertList.TO_VISIT, all_pending_to_visit), 1), else_=0)
        query = (
            self._in_units(cycle, unit_ids)
            .add_columns(status, func.count(), func.sum(to_visit))
            .group_by(status)
        )
        result = dict.fromkeys(CertList, 0)
        for value, count, visits in await self._session.execute(query):
            result[CertList(value)] += int(count)
            result[CertList.TO_VISIT] += int(visits or 0)
        return result

    async def standings(self, unit_ids: Sequence[int]) -> Sequence[RetireeStanding]:
        retirees = (
            await self._session.execute(
                select(
                    RetireeRow.id,
                    RetireeRow.name,
                    RetireeRow.id_masked,
                    RetireeRow.community_id,
                    RetireeRow.birth_date,
                    RetireeRow.lives_elsewhere,
                )
                .where(RetireeRow.community_id.in_(list(unit_ids)), in_campaign())
                .order_by(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
            )
        ).all()
        records: dict[int, list[CertificationRecord]] = {int(r[0]): [] for r in retirees}
        ids = list(records)
        for start in range(0, len(ids), CHUNK):
            rows = await self._session.execute(
                select(*CertificationRow.__table__.c)
                .where(CertificationRow.retiree_id.in_(ids[start : start + CHUNK]))
                .order_by(CertificationRow.cycle)
            )
            for row in rows:
                records[row.retiree_id].append(record_of(row))
        return [
            RetireeStanding(
                retiree_id=rid,
                name=name,
                id_masked=masked,
                community_id=community_id,
                birth_date=born,
                lives_elsewhere=bool(elsewhere),
                records=tuple(records[rid]),
            )
            for rid, name, masked, community_id, born, elsewhere in retirees
        ]

    async def listing(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        offset: int,
        limit: int,
    ) -> Sequence[CertListItem]:
        query = self._list_query(cycle, unit_ids, which, all_pending_to_visit).offset(offset).limit(limit)
        return await self._list_items(query)

    async def listing_after(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        after: CertListItem | None,
        limit: int,
    ) -> Sequence[CertListItem]:
        query = self._list_query(cycle, unit_ids, which, all_pending_to_visit)
        if after is not None:
            # The list's own order (community, name, id) as one row value: the page starts where the
            # last one stopped, found in the community_id index, however far into the list it is.
            order = tuple_(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
            query = query.where(
                RetireeRow.community_id >= after.community_id,
                order > tuple_(literal(after.community_id), literal(after.name), literal(after.retiree_id)),
            )
        return await self._list_items(query.limit(limit))

    def _list_query(
        self, cycle: str, unit_ids: Sequence[int], which: CertList, all_pending_to_visit: bool
    ) -> Any:
        return (
            self._in_units(cycle, unit_ids)
            .add_columns(
                RetireeRow.id,
                RetireeRow.name,
                RetireeRow.id_masked,
                RetireeRow.community_id,
                CertificationRow.status,
                RetireeRow.lives_elsewhere,
                CertificationRow.visit_requested_at,
                CertificationRow.certified_at,
                CertificationRow.method,
            )
            .where(list_filter(which, all_pending_to_visit))
            .order_by(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
        )

    async def _list_items(self, query: Any) -> Sequence[CertListItem]:
        return [
            CertListItem(
                retiree_id=rid,
                name=name,
                id_masked=masked,
                community_id=community_id,
                status=CertStatus(status or CertStatus.PENDING.value),
                lives_elsewhere=bool(elsewhere),
                visit_requested=visit is not None,
                certified_at=certified_at,
                method=CertMethod(method) if method else None,
            )
            for rid, name, masked, community_id, status, elsewhere, visit, certified_at, method in (
                await self._session.execute(query)
            )
        ]

    async def _memberships(self, *conditions: ColumnElement[bool]) -> Sequence[UnitRecipient]:
        query = (
            select(AccountRow.id, AccountRow.chat_id, AccountRow.locale, StaffMembershipRow.unit_id)
            .join(AccountRow, AccountRow.id == StaffMembershipRow.account_id)
            .join(OrgUnitRow, OrgUnitRow.id == StaffMembershipRow.unit_id)
            .where(AccountRow.unreachable.is_(false()), *conditions)
            .order_by(StaffMembershipRow.unit_id, AccountRow.id)
        )
        return [UnitRecipient(*row) for row in await self._session.execute(query)]

    async def supervisors(self, unit_kind: UnitKind) -> Sequence[UnitRecipient]:
        return await self._memberships(
            OrgUnitRow.kind == unit_kind.value,
            StaffMembershipRow.role.in_([StaffRole.SUPERVISOR.value, StaffRole.ADMIN.value]),
        )

    async def staff_accounts(self) -> Sequence[UnitRecipient]:
        return await self._memberships()
