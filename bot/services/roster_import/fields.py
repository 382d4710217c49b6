"""Reading a data row's cells as the import wants them: required text, forgiving dates, yes/no words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Final

from bot.services.roster_import.report import Problem, RowError
from bot.tables import Cell, Row, cell_text

MAX_LENGTHS: Final = {"code": 32, "name": 100, "community_code": 32, "phone": 32}
_DATE_PARTS: Final = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIAL: Final = re.compile(r"^(\d{1,5})(?:\.0+)?$")
# Excel's day 0 is 1899-12-30 once its fictitious 1900-02-29 is accounted for.
_EXCEL_EPOCH: Final = date(1899, 12, 30)


def parse_date(cell: Cell) -> date | None:
    """A forgiving date: None for an empty cell, ValueError when it cannot be a date."""
    if type(cell) is str:
        # The common case (every CSV cell), first.
        return _parse_date_text(cell_text(cell)) if cell else None
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise ValueError("not a date")
    return _parse_date_text(cell_text(cell))


def _parse_date_text(text: str) -> date | None:
    if not text:
        return None
    for pattern in (_DATE_PARTS, _COMPACT_DATE):
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    serial = _EXCEL_SERIAL.match(text)
    if serial and int(serial.group(1)) > 0:
        return _EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    raise ValueError("not a date")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class FieldRow:
    """One data row: cells by field name, and the problems found so far."""

    def __init__(self, row: Row, columns: Mapping[str, int]) -> None:
        self.line = row.line
        self._row = row
        self._columns = columns
        self.errors: list[RowError] = []

    def cell(self, name: str) -> Cell:
        return self._row.get(self._columns.get(name))

    def text(self, name: str) -> str:
        return cell_text(self.cell(name))

    def fail(self, problem: Problem, detail: str = "") -> None:
        self.errors.append(RowError(self.line, problem, detail))

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.fail(Problem.MISSING_VALUE, name)
        elif len(value) > MAX_LENGTHS.get(name, len(value)):
            self.fail(Problem.TOO_LONG, name)
        return value

    def date(self, name: str) -> date | None:
        try:
            return parse_date(self.cell(name))
        except ValueError:
            self.fail(Problem.BAD_DATE, name)
            return None


def flag(row: FieldRow, name: str, yes: frozenset[str], no: frozenset[str], problem: Problem) -> bool:
    value = row.text(name).lower()
    if value in yes:
        return True
    if value not in no:
        row.fail(problem, name)
    return False
