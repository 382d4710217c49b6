"""Retirees from the roster, keyed by the keyed hash of their ID number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.claims import ReportStatus
from bot.domain.people import Retiree, RetireeRecord
from storage.errors import UnknownUnitCode
from storage.models import ClaimRow, OrgUnitRow, RetireeRow
from storage.repositories._sql import table_of

# Most updates of a registered retiree look them up by id: prepared once, read as a plain row.
_RETIREES = table_of(RetireeRow)
_BY_ID = select(_RETIREES).where(_RETIREES.c.id == bindparam("retiree_id"))


def _record(row: RetireeRow | Any) -> Retiree:
    """From a mapped row or a result row of the same columns."""
    return Retiree(
        id=row.id,
        name=row.name,
        id_hash=row.id_hash,
        id_masked=row.id_masked,
        birth_date=row.birth_date,
        retirement_date=row.retirement_date,
        community_id=row.community_id,
        phone=row.phone,
        lives_elsewhere=row.lives_elsewhere,
        deceased=row.deceased,
        death_reported=row.death_reported_at is not None,
    )


class SqlRetireeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, retiree_id: int) -> Retiree | None:
        row = (await self._session.execute(_BY_ID, {"retiree_id": retiree_id})).first()
        return None if row is None else _record(row)

    async def find_by_id_hash(self, id_hash: str) -> Retiree | None:
        row = await self._session.scalar(select(RetireeRow).where(RetireeRow.id_hash == id_hash))
        return None if row is None else _record(row)

    async def upsert(self, record: RetireeRecord) -> bool:
        community_id = await self._session.scalar(
            select(OrgUnitRow.id).where(OrgUnitRow.code == record.community_code)
        )
        if community_id is None:
            raise UnknownUnitCode(record.community_code)
        wanted = {
            "name": record.name,
            "id_masked": record.id_masked,
            "birth_date": record.birth_date,
            "retirement_date": record.retirement_date,
            "community_id": community_id,
            "phone": record.phone,
            "lives_elsewhere": record.lives_elsewhere,
            "deceased": record.deceased,
        }
        row = await self._session.scalar(select(RetireeRow).where(RetireeRow.id_hash == record.id_hash))
        if row is None:
            self._session.add(RetireeRow(id_hash=record.id_hash, **wanted))
            await self._session.flush()
            return True
        if row.deceased and not record.deceased and await self._death_confirmed(row.id):
            # Staff saw the certificate: a roster made before the death does not bring anyone back.
            wanted["deceased"] = True
        changed = False
        for attribute, value in wanted.items():
            # Assign only real changes, so that updated_at moves only when something did.
            if getattr(row, attribute) != value:
                setattr(row, attribute, value)
                changed = True
        if changed:
            await self._session.flush()
        return changed

    async def _death_confirmed(self, retiree_id: int) -> bool:
        found = await self._session.scalar(
            select(ClaimRow.id).where(
                ClaimRow.retiree_id == retiree_id, ClaimRow.report_status == ReportStatus.CONFIRMED.value
            )
        )
        return found is not None

    async def count(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(RetireeRow)) or 0

    async def set_death_reported(self, retiree_id: int, at: datetime | None) -> None:
        await self._set(retiree_id, death_reported_at=at)

    async def mark_deceased(self, retiree_id: int) -> None:
        await self._set(retiree_id, deceased=True)

    async def _set(self, retiree_id: int, **values: object) -> None:
        await self._session.execute(
            update(RetireeRow)
            .where(RetireeRow.id == retiree_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
