"""The org-unit tree. Each row keeps a materialised path of ids ("/1/4/9/") so that subtree and ancestor
queries are one indexed prefix match instead of a recursive walk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import OrgUnit, UnitKind
from storage.errors import UnitCycle, UnknownUnitCode
from storage.models import OrgUnitRow, RetireeRow
from storage.repositories._sql import table_of

# Replies name the asker's community often: prepared once, read as plain rows.
_UNITS = table_of(OrgUnitRow)
_RETIREES = table_of(RetireeRow)
_COLUMNS = (_UNITS.c.id, _UNITS.c.code, _UNITS.c.name, _UNITS.c.kind, _UNITS.c.parent_id)
_BY_ID = select(*_COLUMNS).where(_UNITS.c.id == bindparam("unit_id"))
_COMMUNITY_OF = (
    select(*_COLUMNS)
    .join(_RETIREES, _RETIREES.c.community_id == _UNITS.c.id)
    .where(_RETIREES.c.id == bindparam("retiree_id"))
)


def _record(row: OrgUnitRow | Any) -> OrgUnit:
    """From a mapped row or a result row of the same columns."""
    return OrgUnit(id=row.id, code=row.code, name=row.name, kind=UnitKind(row.kind), parent_id=row.parent_id)


class SqlOrgUnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row_by_code(self, code: str) -> OrgUnitRow | None:
        return await self._session.scalar(select(OrgUnitRow).where(OrgUnitRow.code == code))

    async def get(self, unit_id: int) -> OrgUnit | None:
        row = (await self._session.execute(_BY_ID, {"unit_id": unit_id})).first()
        return None if row is None else _record(row)

    async def community_of(self, retiree_id: int) -> OrgUnit | None:
        row = (await self._session.execute(_COMMUNITY_OF, {"retiree_id": retiree_id})).first()
        return None if row is None else _record(row)

    async def get_by_code(self, code: str) -> OrgUnit | None:
        row = await self._row_by_code(code)
        return None if row is None else _record(row)

    async def all(self) -> Sequence[OrgUnit]:
        """Every unit, parents before their children."""
        rows = await self._session.scalars(select(OrgUnitRow).order_by(OrgUnitRow.path))
        return [_record(row) for row in rows]

    async def upsert(self, code: str, name: str, kind: UnitKind, parent_code: str | None) -> bool:
        parent = None
        if parent_code is not None:
            parent = await self._row_by_code(parent_code)
            if parent is None:
                raise UnknownUnitCode(parent_code)
        parent_path = parent.path if parent is not None else "/"
        row = await self._row_by_code(code)
        if row is None:
            row = OrgUnitRow(
                code=code,
                name=name,
                kind=kind.value,
                parent_id=None if parent is None else parent.id,
                path="",  # the id is known only after the flush
            )
            self._session.add(row)
            await self._session.flush()
            row.path = f"{parent_path}{row.id}/"
            await self._session.flush()
            return True

        changed = False
        if row.name != name:
            row.name, changed = name, True
        if row.kind != kind.value:
            row.kind, changed = kind.value, True
        new_parent_id = None if parent is None else parent.id
        if row.parent_id != new_parent_id:
            await self._move(row, parent_path, new_parent_id)
            changed = True
        if changed:
            await self._session.flush()
        return changed

    async def _move(self, row: OrgUnitRow, parent_path: str, parent_id: int | None) -> None:
        old_prefix = row.path
        if parent_path.startswith(old_prefix):
            raise UnitCycle(f"unit {row.code!r} cannot move below itself")
        new_prefix = f"{parent_path}{row.id}/"
        below = await self._session.scalars(
            select(OrgUnitRow).where(OrgUnitRow.path.startswith(old_prefix, autoescape=True))
        )
        for descendant in below:
            descendant.path = new_prefix + descendant.path[len(old_prefix) :]
        row.parent_id = parent_id

    async def ancestors(self, unit_id: int) -> Sequence[OrgUnit]:
        row = await self._session.get(OrgUnitRow, unit_id)
        if row is None:
            return []
        ids = [int(part) for part in row.path.strip("/").split("/")[:-1]]
        if not ids:
            return []
        rows = {
            r.id: r for r in await self._session.scalars(select(OrgUnitRow).where(OrgUnitRow.id.in_(ids)))
        }
        return [_record(rows[i]) for i in reversed(ids) if i in rows]

    async def subtree_ids(self, unit_id: int) -> Sequence[int]:
        row = await self._session.get(OrgUnitRow, unit_id)
        if row is None:
            return []
        ids = await self._session.scalars(
            select(OrgUnitRow.id)
            .where(OrgUnitRow.path.startswith(row.path, autoescape=True))
            .order_by(OrgUnitRow.path)
        )
        return list(ids)
