"""The campaign's set-based scans of the whole roster, range by range: who is pending, whose family to
tell, who to suspend and who was told; nothing is loaded into Python per retiree."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    CertStatus,
    PendingRetiree,
    Recipient,
    RollingRetiree,
)
from bot.domain.people import AccountRole
from storage.models import (
    AccountRow,
    CertificationRow,
    FamilyLinkRow,
    RetireeRow,
    utcnow,
)
from storage.repositories._sql import insert_for
from storage.repositories.certification.common import (
    CHUNK,
    LOOKING_AFTER,
    NOT_CERTIFIED,
    OPEN,
    aware,
    in_campaign,
    joined,
    reachable,
    status_in,
)


class CampaignScans:
    _session: AsyncSession

    # --- the whole roster, set-based ------------------------------------------------------------------

    async def retiree_id_bounds(self) -> tuple[int, int] | None:
        low, high = (
            await self._session.execute(select(func.min(RetireeRow.id), func.max(RetireeRow.id)))
        ).one()
        return None if low is None else (int(low), int(high))

    async def _recipients(self, retiree_ids: Sequence[int], *, family: bool) -> dict[int, list[Recipient]]:
        query: Any
        if family:
            query = (
                select(FamilyLinkRow.retiree_id, AccountRow.id, AccountRow.chat_id, AccountRow.locale)
                .join(AccountRow, AccountRow.id == FamilyLinkRow.account_id)
                .where(FamilyLinkRow.retiree_id.in_(retiree_ids), reachable(*LOOKING_AFTER))
                .order_by(AccountRow.id)
            )
        else:
            query = (
                select(AccountRow.retiree_id, AccountRow.id, AccountRow.chat_id, AccountRow.locale)
                .where(AccountRow.retiree_id.in_(retiree_ids), reachable(AccountRole.RETIREE))
                .order_by(AccountRow.id)
            )
        found: dict[int, list[Recipient]] = {}
        for retiree_id, account_id, chat_id, locale in await self._session.execute(query):
            found.setdefault(int(retiree_id), []).append(Recipient(account_id, chat_id, locale))
        return found

    async def _pending_retirees(self, query: Any, *, own: bool) -> list[PendingRetiree]:
        rows = (await self._session.execute(query)).all()
        ids = [int(r[0]) for r in rows]
        family = await self._recipients(ids, family=True) if ids else {}
        mine = await self._recipients(ids, family=False) if ids and own else {}
        return [
            PendingRetiree(
                retiree_id=rid,
                name=name,
                community_id=community_id,
                lives_elsewhere=elsewhere,
                family=tuple(family.get(rid, ())),
                own=tuple(mine.get(rid, ())),
            )
            for rid, name, community_id, elsewhere in rows
        ]

    async def family_to_tell(self, cycle: str, after_retiree_id: int, limit: int) -> Sequence[PendingRetiree]:
        has_family = (
            select(FamilyLinkRow.id)
            .join(AccountRow, AccountRow.id == FamilyLinkRow.account_id)
            .where(FamilyLinkRow.retiree_id == RetireeRow.id, reachable(*LOOKING_AFTER))
            .exists()
        )
        query = (
            select(RetireeRow.id, RetireeRow.name, RetireeRow.community_id, RetireeRow.lives_elsewhere)
            .select_from(joined(cycle))
            .where(
                RetireeRow.id > after_retiree_id,
                in_campaign(),
                status_in(OPEN),
                CertificationRow.family_told_at.is_(None),
                has_family,
            )
            .order_by(RetireeRow.id)
            .limit(limit)
        )
        return await self._pending_retirees(query, own=False)

    async def rolling_page(self, after_retiree_id: int, limit: int) -> Sequence[RollingRetiree]:
        last = (
            select(func.max(CertificationRow.certified_at))
            .where(
                CertificationRow.retiree_id == RetireeRow.id,
                CertificationRow.status == CertStatus.CERTIFIED.value,
            )
            .scalar_subquery()
        )
        rows = (
            await self._session.execute(
                select(
                    RetireeRow.id, RetireeRow.name, RetireeRow.birth_date, RetireeRow.lives_elsewhere, last
                )
                .where(RetireeRow.id > after_retiree_id, in_campaign())
                .order_by(RetireeRow.id)
                .limit(limit)
            )
        ).all()
        ids = [int(r[0]) for r in rows]
        family = await self._recipients(ids, family=True) if ids else {}
        own = await self._recipients(ids, family=False) if ids else {}
        return [
            RollingRetiree(
                retiree_id=rid,
                name=name,
                birth_date=born,
                lives_elsewhere=bool(elsewhere),
                last_certified_at=aware(certified_at),
                own=tuple(own.get(rid, ())),
                family=tuple(family.get(rid, ())),
            )
            for rid, name, born, elsewhere, certified_at in rows
        ]

    async def _mark(self, cycle: str, retiree_ids: Sequence[int], column: str, at: datetime) -> None:
        now = utcnow()
        for start in range(0, len(retiree_ids), CHUNK):
            chunk = retiree_ids[start : start + CHUNK]
            statement = insert_for(self._session, CertificationRow).values(
                [
                    {
                        "retiree_id": rid,
                        "cycle": cycle,
                        "status": CertStatus.PENDING.value,
                        column: at,
                        "updated_at": now,
                    }
                    for rid in chunk
                ]
            )
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["retiree_id", "cycle"], set_={column: at, "updated_at": now}
                )
            )

    async def mark_family_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        await self._mark(cycle, retiree_ids, "family_told_at", at)

    async def suspend_pending(self, cycle: str, at: datetime, first_id: int, last_id: int) -> int:
        source = (
            select(
                RetireeRow.id,
                literal(cycle, String),
                literal(CertStatus.SUSPENDED.value, String),
                literal(at, CertificationRow.suspended_at.type),
                literal(at, CertificationRow.updated_at.type),
            )
            .select_from(joined(cycle))
            .where(
                RetireeRow.id.between(first_id, last_id),
                in_campaign(),
                status_in(NOT_CERTIFIED),
            )
        )
        statement = insert_for(self._session, CertificationRow).from_select(
            ["retiree_id", "cycle", "status", "suspended_at", "updated_at"], source
        )
        statement = statement.on_conflict_do_update(
            index_elements=["retiree_id", "cycle"],
            set_={
                "status": CertStatus.SUSPENDED.value,
                "suspended_at": statement.excluded.suspended_at,
                "updated_at": statement.excluded.updated_at,
            },
            where=CertificationRow.status.in_(NOT_CERTIFIED),
        )
        result = await self._session.execute(statement)
        return max(int(getattr(result, "rowcount", 0) or 0), 0)

    async def suspended_to_tell(
        self, cycle: str, after_retiree_id: int, limit: int
    ) -> Sequence[PendingRetiree]:
        query = (
            select(RetireeRow.id, RetireeRow.name, RetireeRow.community_id, RetireeRow.lives_elsewhere)
            .join(CertificationRow, CertificationRow.retiree_id == RetireeRow.id)
            .where(
                CertificationRow.cycle == cycle,
                CertificationRow.status == CertStatus.SUSPENDED.value,
                CertificationRow.suspension_told_at.is_(None),
                RetireeRow.id > after_retiree_id,
                in_campaign(),
            )
            .order_by(RetireeRow.id)
            .limit(limit)
        )
        return await self._pending_retirees(query, own=True)

    async def mark_suspension_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        for start in range(0, len(retiree_ids), CHUNK):
            await self._session.execute(
                update(CertificationRow)
                .where(
                    CertificationRow.cycle == cycle,
                    CertificationRow.retiree_id.in_(retiree_ids[start : start + CHUNK]),
                )
                .values(suspension_told_at=at)
            )
