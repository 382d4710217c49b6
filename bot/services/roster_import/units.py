"""Importing the org-unit tree: city, district or county, street or town, community.

The file is streamed; its units are kept (a city has thousands, not millions), since a unit may name a
parent defined further down, and the tree is checked whole before it is written set-based
(OrgUnitRepository.upsert_many), parents first, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.domain.people import UnitKind, UnitRecord
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.progress import NO_PROGRESS, Progress
from bot.services.roster_import.fields import FieldRow
from bot.services.roster_import.report import (
    ImportReport,
    Problem,
    RowError,
    audit,
    missing_columns,
    unreadable,
)
from bot.services.roster_import.vocabulary import VOCABULARY, word
from bot.tables import Table, UnreadableError, open_table

UNIT_REQUIRED: Final = ("code", "name", "kind")
_KIND_RANK: Final = {UnitKind.CITY: 0, UnitKind.DISTRICT: 1, UnitKind.STREET: 2, UnitKind.COMMUNITY: 3}


@dataclass(frozen=True, slots=True)
class _UnitRow:
    line: int
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


def _check_unit_rows(table: Table, progress: Progress) -> tuple[dict[str, _UnitRow], list[RowError]]:
    units: dict[str, _UnitRow] = {}
    errors: list[RowError] = []
    rows = 0
    for rows, data in enumerate(table.rows, 1):
        if rows % 1000 == 0:
            progress.update(rows, table.meter.done)
        row = FieldRow(data, table.columns)
        code = row.required("code")
        name = row.required("name")
        kind_text = row.required("kind")
        kind = VOCABULARY.unit_kinds.get(word(kind_text))
        if kind_text and kind is None:
            row.fail(Problem.UNKNOWN_KIND, kind_text)
        parent_code = row.text("parent_code") or None
        if code and code in units:
            row.fail(Problem.DUPLICATE_CODE, str(units[code].line))
        elif code and parent_code == code:
            row.fail(Problem.PARENT_CYCLE, code)
        if row.errors:
            errors.extend(row.errors)
        elif kind is not None:
            units[code] = _UnitRow(row.line, code, name, kind, parent_code)
    progress.update(rows, table.meter.size)
    return units, errors


class _UnitTree:
    """The tree as it will be after the import: the file's units over those already stored."""

    def __init__(self, uow: UnitOfWork, units: Mapping[str, _UnitRow]) -> None:
        self._uow = uow
        self._units = units
        self._stored: dict[str, tuple[UnitKind, str | None] | None] = {}

    async def _stored_unit(self, code: str) -> tuple[UnitKind, str | None] | None:
        if code not in self._stored:
            unit = await self._uow.units.get_by_code(code)
            parent = (
                None if unit is None or unit.parent_id is None else await self._uow.units.get(unit.parent_id)
            )
            self._stored[code] = (
                None if unit is None else (unit.kind, None if parent is None else parent.code)
            )
        return self._stored[code]

    async def node(self, code: str) -> tuple[UnitKind, str | None] | None:
        """(kind, parent code) of a unit, or None when it exists neither in the file nor in storage."""
        if code in self._units:
            unit = self._units[code]
            return unit.kind, unit.parent_code
        return await self._stored_unit(code)

    async def cycle_from(self, code: str) -> list[str] | None:
        chain = [code]
        current = self._units[code].parent_code
        while current is not None:
            if current in chain:
                return chain[chain.index(current) :]
            chain.append(current)
            node = await self.node(current)
            current = None if node is None else node[1]
        return None


def _depth(code: str, units: Mapping[str, _UnitRow]) -> int:
    depth, parent = 0, units[code].parent_code
    while parent is not None and parent in units:
        depth, parent = depth + 1, units[parent].parent_code
    return depth


async def _check_unit_tree(uow: UnitOfWork, units: Mapping[str, _UnitRow]) -> list[RowError]:
    tree = _UnitTree(uow, units)
    errors: list[RowError] = []
    for unit in units.values():
        if unit.parent_code is None:
            continue
        parent = await tree.node(unit.parent_code)
        if parent is None:
            errors.append(RowError(unit.line, Problem.UNKNOWN_PARENT, unit.parent_code))
            continue
        cycle = await tree.cycle_from(unit.code)
        if cycle is not None:
            errors.append(RowError(unit.line, Problem.PARENT_CYCLE, " > ".join(cycle)))
        elif _KIND_RANK[parent[0]] >= _KIND_RANK[unit.kind]:
            errors.append(
                RowError(unit.line, Problem.WRONG_PARENT_KIND, f"{parent[0].value} > {unit.kind.value}")
            )
    return errors


async def import_units(
    path: Path | str, uow_factory: UnitOfWorkFactory, *, progress: Progress = NO_PROGRESS
) -> ImportReport:
    try:
        with open_table(Path(path), VOCABULARY.unit_columns) as table:
            if missing := missing_columns(table, UNIT_REQUIRED):
                return ImportReport(errors=missing)
            progress.stage(f"checking {Path(path).name}", table.meter.size)
            units, errors = _check_unit_rows(table, progress)
    except UnreadableError as error:
        return unreadable(error)
    async with uow_factory() as uow:
        progress.stage("checking the tree")
        errors += await _check_unit_tree(uow, units)
        if errors:
            return ImportReport(errors=sorted(errors, key=lambda error: error.line))
        progress.stage(f"writing {len(units):,} units")
        # Parents first, whatever order the file lists them in.
        ordered = sorted(units.values(), key=lambda unit: (_depth(unit.code, units), unit.line))
        counts = await uow.units.upsert_many(
            [UnitRecord(unit.code, unit.name, unit.kind, unit.parent_code) for unit in ordered]
        )
        report = ImportReport(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)
        await audit(uow, "import_units", Path(path), report)
        await uow.commit()
    return report
