"""One retiree's certification in a cycle: read, certified, self-reported, a visit asked for; and certified
by ID-number hashes (the data-comparison import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    CertificationRecord,
    CertMethod,
    CertStatus,
)
from storage.models import (
    CertificationRow,
    RetireeRow,
    utcnow,
)
from storage.repositories._sql import insert_for
from storage.repositories.certification.common import CHUNK, ONE, joined, record_of


class RetireeStatus:
    _session: AsyncSession

    # --- one retiree ----------------------------------------------------------------------------------

    async def _row(self, retiree_id: int, cycle: str) -> CertificationRow | None:
        return await self._session.scalar(
            select(CertificationRow)
            .where(CertificationRow.retiree_id == retiree_id, CertificationRow.cycle == cycle)
            .execution_options(populate_existing=True)
        )

    async def get(self, retiree_id: int, cycle: str) -> CertificationRecord | None:
        row = (await self._session.execute(ONE, {"retiree_id": retiree_id, "cycle": cycle})).first()
        return None if row is None else record_of(row)

    async def last_certified(self, retiree_id: int) -> CertificationRecord | None:
        row = await self._session.scalar(
            select(CertificationRow)
            .where(
                CertificationRow.retiree_id == retiree_id,
                CertificationRow.status == CertStatus.CERTIFIED.value,
            )
            .order_by(CertificationRow.certified_at.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return None if row is None else record_of(row)

    async def _upsert(self, retiree_id: int, cycle: str, values: Mapping[str, Any]) -> None:
        now = utcnow()
        statement = insert_for(self._session, CertificationRow).values(
            retiree_id=retiree_id, cycle=cycle, updated_at=now, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["retiree_id", "cycle"], set_={**values, "updated_at": now}
            )
        )

    async def certify(
        self, retiree_id: int, cycle: str, method: CertMethod, at: datetime, by_account_id: int | None
    ) -> CertStatus:
        row = await self._row(retiree_id, cycle)
        before = CertStatus(row.status) if row is not None else CertStatus.PENDING
        if before is CertStatus.CERTIFIED:
            return before
        values: dict[str, Any] = {
            "status": CertStatus.CERTIFIED.value,
            "method": method.value,
            "certified_at": at,
            "certified_by_account_id": by_account_id,
        }
        if before is CertStatus.SUSPENDED:
            values["restored_at"] = at
        await self._upsert(retiree_id, cycle, values)
        return before

    async def self_report(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        row = await self._row(retiree_id, cycle)
        if row is not None and row.status != CertStatus.PENDING.value:
            return False
        await self._upsert(
            retiree_id, cycle, {"status": CertStatus.SELF_REPORTED.value, "self_reported_at": at}
        )
        return True

    async def request_visit(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        row = await self._row(retiree_id, cycle)
        if row is not None and row.visit_requested_at is not None:
            return False
        status = row.status if row is not None else CertStatus.PENDING.value
        await self._upsert(retiree_id, cycle, {"status": status, "visit_requested_at": at})
        return True

    async def certify_by_hashes(
        self, cycle: str, id_hashes: Sequence[str], at: datetime, by_account_id: int | None
    ) -> int:
        changed = 0
        for start in range(0, len(id_hashes), CHUNK):
            ids = await self._session.scalars(
                select(RetireeRow.id)
                .select_from(joined(cycle))
                .where(
                    RetireeRow.id_hash.in_(id_hashes[start : start + CHUNK]),
                    or_(
                        CertificationRow.status.is_(None),
                        CertificationRow.status != CertStatus.CERTIFIED.value,
                    ),
                )
            )
            for retiree_id in list(ids):
                await self.certify(retiree_id, cycle, CertMethod.DATA_COMPARISON, at, by_account_id)
                changed += 1
        return changed
