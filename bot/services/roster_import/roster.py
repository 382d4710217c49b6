"""Importing the retiree roster: each row checked (ID number, dates, community, phone, flags), then stored
as a keyed hash and masked form of the ID number, never the number itself.

A city's roster has a million rows, so the file is streamed and checked row by row, and its rows are
staged and written set-based a chunk at a time (RetireeRepository.stage, apply_staged): memory stays flat
whatever the file's size, and the database writes one chunk while the next is checked. Once a row is
wrong nothing more is written; ID numbers found twice are looked for among every row staged at the end;
the transaction is committed only when no row was wrong.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Final

from bot.domain.people import OrgUnit, RetireeRecord, StagedRetiree, UnitKind, UpsertCounts
from bot.domain.resident_id import InvalidResidentId, ResidentId, china_today
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.progress import NO_PROGRESS, Progress
from bot.services.roster_import.fields import MAX_LENGTHS, add_years, parse_date
from bot.services.roster_import.report import (
    ID_PROBLEMS,
    ImportReport,
    Problem,
    RowError,
    RowErrors,
    audit,
    missing_columns,
    unreadable,
)
from bot.services.roster_import.vocabulary import ROSTER_FIELDS, VOCABULARY
from bot.tables import Cell, Row, UnreadableError, cell_text, open_table

MIN_RETIREMENT_AGE: Final = 40
ROSTER_REQUIRED: Final = ("name", "id_number", "retirement_date", "community_code")
CHUNK: Final = 5000  # rows staged and written in one go (and a progress report)
_YIELD_EVERY: Final = 250
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
# Where each field's cell is in the list _RosterChecker._cells makes of a row.
_NAME, _ID, _BIRTH, _RETIRED, _COMMUNITY, _PHONE_COLUMN, _ELSEWHERE, _STATUS = (
    ROSTER_FIELDS.index(name)
    for name in (
        "name",
        "id_number",
        "birth_date",
        "retirement_date",
        "community_code",
        "phone",
        "lives_elsewhere",
        "status",
    )
)


def _date(cell: Cell, text: str) -> date | None:
    """parse_date, quicker for the ISO spelling (2024-03-05) that most software writes."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and type(cell) is str:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # parse_date says why
    return parse_date(cell)


class _RosterChecker:
    """The checks of one row, in the order its problems are reported. Written for speed (a million rows):
    each cell is read once, and the units (a city has thousands) are looked up in memory."""

    def __init__(
        self, units: Sequence[OrgUnit], id_hash_key: bytes, today: date, columns: Mapping[str, int]
    ) -> None:
        self._kinds = {unit.code: unit.kind for unit in units}
        self._key = id_hash_key
        self._today = today
        self._indexes = tuple(columns.get(name) for name in ROSTER_FIELDS)
        self._communities: dict[str, tuple[str, Problem | None]] = {}
        self._max_name = MAX_LENGTHS["name"]
        self._max_code = MAX_LENGTHS["community_code"]
        self._max_phone = MAX_LENGTHS["phone"]

    def _community(self, code: str) -> tuple[str, Problem | None]:
        """(the code, its problem): the first row's code is kept, so that every error names one string."""
        kind = self._kinds.get(code)
        problem = (
            Problem.UNKNOWN_COMMUNITY
            if kind is None
            else None
            if kind is UnitKind.COMMUNITY
            else Problem.NOT_A_COMMUNITY
        )
        known = self._communities[code] = (code, problem)
        return known

    def _cells(self, row: Row) -> list[Cell]:
        cells, count = row.cells, len(row.cells)
        return [None if i is None or i >= count else cells[i] for i in self._indexes]

    def check(self, row: Row, errors: RowErrors) -> StagedRetiree | None:
        """The row staged (its record None when anything is wrong), or None without a valid ID number;
        its problems are added to `errors`."""
        line = row.line
        found: list[RowError] = []
        cells = self._cells(row)
        # cell_text, its commonest case inline: most cells are ASCII text (numbers, dates, codes).
        texts = [c.strip() if type(c) is str and c.isascii() else cell_text(c) for c in cells]

        name = texts[_NAME]
        if not name:
            found.append(RowError(line, Problem.MISSING_VALUE, "name"))
        elif len(name) > self._max_name:
            found.append(RowError(line, Problem.TOO_LONG, "name"))

        resident_id = None
        if not texts[_ID]:
            found.append(RowError(line, Problem.MISSING_VALUE, "id_number"))
        else:
            try:
                resident_id = ResidentId.parse(texts[_ID], today=self._today)
            except InvalidResidentId as exc:
                found.append(RowError(line, ID_PROBLEMS[exc.reason]))

        born = retired = None
        try:
            birth_column = _date(cells[_BIRTH], texts[_BIRTH])
        except ValueError:
            birth_column = None
            found.append(RowError(line, Problem.BAD_DATE, "birth_date"))
        try:
            retired = _date(cells[_RETIRED], texts[_RETIRED])
        except ValueError:
            found.append(RowError(line, Problem.BAD_DATE, "retirement_date"))
        else:
            if retired is None:
                found.append(RowError(line, Problem.MISSING_VALUE, "retirement_date"))
        if resident_id is not None:
            born = resident_id.birth_date
            if birth_column is not None and birth_column != born:
                found.append(RowError(line, Problem.BIRTH_DATE_MISMATCH))
            if retired is not None:
                if retired > self._today:
                    found.append(RowError(line, Problem.DATE_IN_FUTURE, "retirement_date"))
                elif retired < born:
                    found.append(RowError(line, Problem.RETIREMENT_BEFORE_BIRTH))
                elif retired < add_years(born, MIN_RETIREMENT_AGE):
                    found.append(RowError(line, Problem.RETIREMENT_TOO_YOUNG, str(MIN_RETIREMENT_AGE)))

        community = texts[_COMMUNITY]
        if not community:
            found.append(RowError(line, Problem.MISSING_VALUE, "community_code"))
        elif len(community) > self._max_code:
            found.append(RowError(line, Problem.TOO_LONG, "community_code"))
        if community:
            community, problem = self._communities.get(community) or self._community(community)
            if problem is not None:
                found.append(RowError(line, problem, community))

        phone = texts[_PHONE_COLUMN] or None
        if phone is not None and (len(phone) > self._max_phone or not _PHONE.match(phone)):
            found.append(RowError(line, Problem.BAD_PHONE))
        elsewhere = texts[_ELSEWHERE].lower()
        if elsewhere not in VOCABULARY.no and elsewhere not in VOCABULARY.yes:
            found.append(RowError(line, Problem.BAD_YES_NO, "lives_elsewhere"))
        status = texts[_STATUS].lower()
        if status not in VOCABULARY.alive and status not in VOCABULARY.deceased:
            found.append(RowError(line, Problem.BAD_STATUS, "status"))

        if resident_id is None:
            errors.extend(found)
            return None
        id_hash = resident_id.keyed_hash(self._key)
        if found or errors or born is None or retired is None:
            errors.extend(found)
            # Held all the same, so that its ID number is found if another line has it too.
            return StagedRetiree(line, id_hash, None)
        return StagedRetiree(
            line,
            id_hash,
            RetireeRecord(
                name=name,
                id_hash=id_hash,
                id_masked=resident_id.masked,
                birth_date=born,
                retirement_date=retired,
                community_code=community,
                phone=phone,
                lives_elsewhere=elsewhere in VOCABULARY.yes,
                deceased=status in VOCABULARY.deceased,
            ),
        )


class _Writer:
    """Stages and applies a chunk on a task of its own, so that the next chunk is checked meanwhile: the
    database works on another core. One chunk at a time: the unit of work's session does one thing at a
    time."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._retirees = uow.retirees
        self._task: asyncio.Future[None] | None = None
        self.counts = UpsertCounts()

    async def send(self, rows: list[StagedRetiree], *, apply: bool) -> None:
        await self.wait()
        self._task = asyncio.ensure_future(self._write(rows, apply))

    async def _write(self, rows: list[StagedRetiree], apply: bool) -> None:
        await self._retirees.stage(rows)
        if apply:
            self.counts += await self._retirees.apply_staged()

    async def wait(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await task


async def import_roster(
    path: Path | str,
    uow_factory: UnitOfWorkFactory,
    id_hash_key: bytes,
    *,
    today: date | None = None,
    progress: Progress = NO_PROGRESS,
    chunk: int = CHUNK,
) -> ImportReport:
    if not id_hash_key:
        raise ValueError("an ID hash key is required")
    path = Path(path)
    async with uow_factory() as uow:
        errors = RowErrors()
        writer = _Writer(uow)
        try:
            with open_table(path, VOCABULARY.roster_columns) as table:
                if missing := missing_columns(table, ROSTER_REQUIRED):
                    return ImportReport(errors=missing)
                checker = _RosterChecker(
                    await uow.units.all(), id_hash_key, today or china_today(), table.columns
                )
                progress.stage(f"importing {path.name}", table.meter.size)
                staged: list[StagedRetiree] = []
                rows = 0
                for data in table.rows:
                    rows += 1
                    row = checker.check(data, errors)
                    if row is not None:
                        staged.append(row)
                    if rows % _YIELD_EVERY == 0:
                        # Lets the writer's task take its next step while rows are checked.
                        await asyncio.sleep(0)
                    if len(staged) >= chunk:
                        # Once a row is wrong nothing will be committed: only ID numbers are staged.
                        await writer.send(staged, apply=not errors)
                        staged = []
                        progress.update(rows, table.meter.done)
                await writer.send(staged, apply=not errors)
                progress.update(rows, table.meter.size)
        except UnreadableError as error:
            return unreadable(error)
        finally:
            await writer.wait()
        progress.stage("looking for ID numbers found twice")
        twice = await uow.retirees.staged_duplicates()
        if errors or twice:
            # A row's own problems first, then the ID number it shares with an earlier line.
            duplicates = (RowError(line, Problem.DUPLICATE_ID, str(first)) for line, first in twice)
            return ImportReport(errors=errors.merged(duplicates))
        counts = writer.counts
        report = ImportReport(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)
        await audit(uow, "import_roster", path, report)
        await uow.commit()
    return report
