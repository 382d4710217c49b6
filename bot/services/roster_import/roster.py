"""Importing the retiree roster: each row checked (ID number, dates, community, phone, flags), then stored
as a keyed hash and masked form of the ID number, never the number itself."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Final

from bot.domain.people import RetireeRecord, UnitKind
from bot.domain.resident_id import InvalidResidentId, ResidentId, china_today
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.services.roster_import.fields import MAX_LENGTHS, FieldRow, add_years, flag
from bot.services.roster_import.report import (
    ID_PROBLEMS,
    ImportReport,
    Problem,
    RowError,
    audit,
    count,
    missing_columns,
    unreadable,
)
from bot.services.roster_import.vocabulary import VOCABULARY
from bot.tables import UnreadableError, open_table

MIN_RETIREMENT_AGE: Final = 40
ROSTER_REQUIRED: Final = ("name", "id_number", "retirement_date", "community_code")
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 ()\-]*$")


class _RosterChecker:
    def __init__(self, uow: UnitOfWork, id_hash_key: bytes, today: date) -> None:
        self._uow = uow
        self._key = id_hash_key
        self._today = today
        self._communities: dict[str, Problem | None] = {}
        self._first_line_of: dict[str, int] = {}

    async def _community_problem(self, code: str) -> Problem | None:
        if code not in self._communities:
            unit = await self._uow.units.get_by_code(code)
            self._communities[code] = (
                Problem.UNKNOWN_COMMUNITY
                if unit is None
                else None
                if unit.kind is UnitKind.COMMUNITY
                else Problem.NOT_A_COMMUNITY
            )
        return self._communities[code]

    def _resident_id(self, row: FieldRow) -> ResidentId | None:
        text = row.text("id_number")
        if not text:
            row.fail(Problem.MISSING_VALUE, "id_number")
            return None
        try:
            return ResidentId.parse(text, today=self._today)
        except InvalidResidentId as exc:
            row.fail(ID_PROBLEMS[exc.reason])
            return None

    def _dates(self, row: FieldRow, resident_id: ResidentId | None) -> tuple[date, date] | None:
        birth_column = row.date("birth_date")
        retirement = row.date("retirement_date")
        if retirement is None and not row.text("retirement_date"):
            row.fail(Problem.MISSING_VALUE, "retirement_date")
        if resident_id is None:
            return None
        born = resident_id.birth_date
        if birth_column is not None and birth_column != born:
            row.fail(Problem.BIRTH_DATE_MISMATCH)
        if retirement is None:
            return None
        if retirement > self._today:
            row.fail(Problem.DATE_IN_FUTURE, "retirement_date")
        elif retirement < born:
            row.fail(Problem.RETIREMENT_BEFORE_BIRTH)
        elif retirement < add_years(born, MIN_RETIREMENT_AGE):
            row.fail(Problem.RETIREMENT_TOO_YOUNG, str(MIN_RETIREMENT_AGE))
        return born, retirement

    async def check(self, row: FieldRow) -> RetireeRecord | None:
        name = row.required("name")
        resident_id = self._resident_id(row)
        id_hash = None
        if resident_id is not None:
            id_hash = resident_id.keyed_hash(self._key)
            first = self._first_line_of.setdefault(id_hash, row.line)
            if first != row.line:
                row.fail(Problem.DUPLICATE_ID, str(first))
        dates = self._dates(row, resident_id)
        community_code = row.required("community_code")
        if community_code and (problem := await self._community_problem(community_code)):
            row.fail(problem, community_code)
        phone = row.text("phone") or None
        if phone is not None and (len(phone) > MAX_LENGTHS["phone"] or not _PHONE.match(phone)):
            row.fail(Problem.BAD_PHONE)
        lives_elsewhere = flag(row, "lives_elsewhere", VOCABULARY.yes, VOCABULARY.no, Problem.BAD_YES_NO)
        deceased = flag(row, "status", VOCABULARY.deceased, VOCABULARY.alive, Problem.BAD_STATUS)
        if row.errors or resident_id is None or id_hash is None or dates is None:
            return None
        return RetireeRecord(
            name=name,
            id_hash=id_hash,
            id_masked=resident_id.masked,
            birth_date=dates[0],
            retirement_date=dates[1],
            community_code=community_code,
            phone=phone,
            lives_elsewhere=lives_elsewhere,
            deceased=deceased,
        )


async def import_roster(
    path: Path | str,
    uow_factory: UnitOfWorkFactory,
    id_hash_key: bytes,
    *,
    today: date | None = None,
) -> ImportReport:
    if not id_hash_key:
        raise ValueError("an ID hash key is required")
    async with uow_factory() as uow:
        checker = _RosterChecker(uow, id_hash_key, today or china_today())
        records: list[RetireeRecord] = []
        errors: list[RowError] = []
        try:
            with open_table(Path(path), VOCABULARY.roster_columns) as table:
                if missing := missing_columns(table, ROSTER_REQUIRED):
                    return ImportReport(errors=missing)
                for data in table.rows:
                    row = FieldRow(data, table.columns)
                    record = await checker.check(row)
                    errors.extend(row.errors)
                    if record is not None:
                        records.append(record)
        except UnreadableError as error:
            return unreadable(error)
        if errors:
            return ImportReport(errors=errors)
        report = ImportReport()
        for record in records:
            existed = await uow.retirees.find_by_id_hash(record.id_hash) is not None
            changed = await uow.retirees.upsert(record)
            count(report, existed=existed, changed=changed)
        await audit(uow, "import_roster", Path(path), report)
        await uow.commit()
    return report
