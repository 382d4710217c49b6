"""The org-unit tree. Each row keeps a materialised path of ids ("/1/4/9/") so that subtree and ancestor
queries are one indexed prefix match instead of a recursive walk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import OrgUnit, UnitKind, UnitRecord, UpsertCounts
from storage.errors import UnitCycle, UnknownUnitCode
from storage.models import OrgUnitRow, RetireeRow
from storage.repositories._sql import table_of

# Replies name the asker's community often: prepared once, read as plain rows.
_UNITS = table_of(OrgUnitRow)
_RETIREES = table_of(RetireeRow)
_COLUMNS = (_UNITS.c.id, _UNITS.c.code, _UNITS.c.name, _UNITS.c.kind, _UNITS.c.parent_id)
_BY_ID = select(*_COLUMNS).where(_UNITS.c.id == bindparam("unit_id"))
_CODES_PER_QUERY = 500
_ELSEWHERE = "\0"  # a parent that is no unit of the batch
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

    async def upsert_many(self, units: Sequence[UnitRecord]) -> UpsertCounts:
        """New units are inserted a level at a time (each level's ids give its children their paths), and
        renamed ones updated, in a few statements whatever their number; a moved unit goes through `upsert`
        (a move rewrites its subtree's paths), after the new ones, which may be its new parent."""
        codes = sorted({unit.code for unit in units} | {u.parent_code for u in units if u.parent_code})
        stored: dict[str, Any] = {}
        for start in range(0, len(codes), _CODES_PER_QUERY):
            rows = await self._session.execute(
                select(*_COLUMNS, _UNITS.c.path).where(
                    _UNITS.c.code.in_(codes[start : start + _CODES_PER_QUERY])
                )
            )
            stored.update({row.code: row for row in rows})
        codes_by_id = {row.id: code for code, row in stored.items()}
        levels: list[list[UnitRecord]] = []
        depth: dict[str, int] = {}
        renamed: list[dict[str, Any]] = []
        moved: list[UnitRecord] = []
        unchanged = 0
        for unit in units:
            known = stored.get(unit.code)
            if known is None:
                level = depth[unit.parent_code] + 1 if unit.parent_code in depth else 0
                depth[unit.code] = level
                if level == len(levels):
                    levels.append([])
                levels[level].append(unit)
                continue
            # A parent outside `stored` is none of the file's: the unit moves.
            parent = None if known.parent_id is None else codes_by_id.get(known.parent_id, _ELSEWHERE)
            if parent != unit.parent_code:
                moved.append(unit)
            elif (known.name, known.kind) != (unit.name, unit.kind.value):
                renamed.append({"unit_id": known.id, "unit_name": unit.name, "unit_kind": unit.kind.value})
            else:
                unchanged += 1
        paths = {code: (row.id, row.path) for code, row in stored.items()}
        for new in levels:
            await self._insert_level(new, paths)
        if renamed:
            await self._session.execute(
                update(_UNITS)
                .where(_UNITS.c.id == bindparam("unit_id"))
                .values(name=bindparam("unit_name"), kind=bindparam("unit_kind")),
                renamed,
            )
        # Units this session loaded before are read again: the statements above went around them.
        self._session.expire_all()
        for unit in moved:
            await self.upsert(unit.code, unit.name, unit.kind, unit.parent_code)
        return UpsertCounts(sum(map(len, levels)), len(renamed) + len(moved), unchanged)

    async def _insert_level(self, units: Sequence[UnitRecord], paths: dict[str, tuple[int, str]]) -> None:
        """Insert units whose parents are in `paths` (code -> id, path), then give them their paths."""
        for unit in units:
            if unit.parent_code is not None and unit.parent_code not in paths:
                raise UnknownUnitCode(unit.parent_code)
        rows = await self._session.execute(
            _UNITS.insert().returning(_UNITS.c.id, _UNITS.c.code),
            [
                {
                    "code": unit.code,
                    "name": unit.name,
                    "kind": unit.kind.value,
                    "parent_id": paths[unit.parent_code][0] if unit.parent_code else None,
                    "path": "",  # the id is known only once inserted
                }
                for unit in units
            ],
        )
        parent_of = {unit.code: unit.parent_code for unit in units}
        for id_, code in rows.all():
            parent = parent_of[code]
            paths[code] = (id_, f"{paths[parent][1] if parent else '/'}{id_}/")
        await self._session.execute(
            update(_UNITS).where(_UNITS.c.id == bindparam("unit_id")).values(path=bindparam("unit_path")),
            [{"unit_id": paths[unit.code][0], "unit_path": paths[unit.code][1]} for unit in units],
        )

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
