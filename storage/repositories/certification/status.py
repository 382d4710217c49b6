"""One retiree's certification in a cycle: read, certified, self-reported, a visit asked for; and certified
by ID-number hashes (the data-comparison import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    any_,
    bindparam,
    case,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
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
from storage.repositories.certification.common import CHUNK, ONE, record_of
from storage.types import UTCDateTime

# PostgreSQL takes the hashes as one array parameter: no limit on how many a statement binds.
_HASHES_PER_STATEMENT = 20_000


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
        """One INSERT ... SELECT ... ON CONFLICT DO UPDATE per batch of hashes: the retirees found are
        certified unless they already were (a suspended one is restored); a hash given twice is one
        retiree, selected once."""
        postgres = self._session.get_bind().dialect.name == "postgresql"
        batch = _HASHES_PER_STATEMENT if postgres else CHUNK
        changed = 0
        for start in range(0, len(id_hashes), batch):
            hashes = list(id_hashes[start : start + batch])
            found = (
                RetireeRow.id_hash == any_(bindparam("hashes", hashes, type_=ARRAY(String)))
                if postgres
                else RetireeRow.id_hash.in_(hashes)
            )
            result = await self._session.execute(self._certify_found(cycle, found, at, by_account_id))
            changed += int(result.rowcount)  # type: ignore[attr-defined]
        return changed

    def _certify_found(
        self, cycle: str, found: ColumnElement[bool], at: datetime, by_account_id: int | None
    ) -> Any:
        certified = CertStatus.CERTIFIED.value
        when = bindparam("at", at, type_=UTCDateTime())
        now = bindparam("now", utcnow(), type_=UTCDateTime())
        rows = select(
            RetireeRow.id,
            literal(cycle, String),
            literal(certified, String),
            literal(CertMethod.DATA_COMPARISON.value, String),
            when,
            bindparam("by", by_account_id, type_=Integer()),
            now,
        ).where(found)
        columns = ["retiree_id", "cycle", "status", "method", "certified_at", "certified_by_account_id"]
        insert = insert_for(self._session, CertificationRow).from_select([*columns, "updated_at"], rows)
        table = CertificationRow.__table__
        return insert.on_conflict_do_update(
            index_elements=["retiree_id", "cycle"],
            set_={
                "status": insert.excluded.status,
                "method": insert.excluded.method,
                "certified_at": insert.excluded.certified_at,
                "certified_by_account_id": insert.excluded.certified_by_account_id,
                "restored_at": case(
                    (table.c.status == CertStatus.SUSPENDED.value, insert.excluded.certified_at),
                    else_=table.c.restored_at,
                ),
                "updated_at": insert.excluded.updated_at,
            },
            where=table.c.status != certified,
        )
