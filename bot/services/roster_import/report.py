"""What an import reports: counts, and every wrong row with its line and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from bot.domain.resident_id import InvalidReason
from bot.ports import UnitOfWork
from bot.tables import Table, UnreadableError


class Problem(StrEnum):
    UNREADABLE_FILE = "unreadable_file"
    MISSING_COLUMN = "missing_column"  # detail: the column
    MISSING_VALUE = "missing_value"  # detail: the column
    TOO_LONG = "too_long"  # detail: the column
    DUPLICATE_CODE = "duplicate_code"  # detail: line of the first occurrence
    UNKNOWN_KIND = "unknown_kind"  # detail: the value
    UNKNOWN_PARENT = "unknown_parent"  # detail: the parent code
    PARENT_CYCLE = "parent_cycle"  # detail: the codes in the cycle
    WRONG_PARENT_KIND = "wrong_parent_kind"  # detail: "<parent kind> > <kind>"
    ID_LENGTH = "id_length"
    ID_CHARACTERS = "id_characters"
    ID_CHECK_DIGIT = "id_check_digit"
    ID_BIRTH_DATE = "id_birth_date"
    DUPLICATE_ID = "duplicate_id"  # detail: line of the first occurrence
    BAD_DATE = "bad_date"  # detail: the column
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    DATE_IN_FUTURE = "date_in_future"  # detail: the column
    RETIREMENT_BEFORE_BIRTH = "retirement_before_birth"
    RETIREMENT_TOO_YOUNG = "retirement_too_young"  # before the minimum age
    UNKNOWN_COMMUNITY = "unknown_community"  # detail: the code
    NOT_A_COMMUNITY = "not_a_community"  # detail: the code
    BAD_YES_NO = "bad_yes_no"  # detail: the column
    BAD_STATUS = "bad_status"
    BAD_PHONE = "bad_phone"


ID_PROBLEMS: Final = {
    InvalidReason.LENGTH: Problem.ID_LENGTH,
    InvalidReason.CHARACTERS: Problem.ID_CHARACTERS,
    InvalidReason.CHECK_DIGIT: Problem.ID_CHECK_DIGIT,
    InvalidReason.BIRTH_DATE: Problem.ID_BIRTH_DATE,
}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 0 for the file as a whole, 1 for the header
    problem: Problem
    detail: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.problem.value}" + (f" ({self.detail})" if self.detail else "")


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def missing_columns(table: Table, required: tuple[str, ...]) -> list[RowError]:
    return [RowError(1, Problem.MISSING_COLUMN, name) for name in table.missing(required)]


def unreadable(error: UnreadableError) -> ImportReport:
    return ImportReport(errors=[RowError(0, Problem.UNREADABLE_FILE, str(error))])


async def audit(uow: UnitOfWork, action: str, path: Path, report: ImportReport) -> None:
    details = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    await uow.audit.record(None, action, path.name, details, datetime.now(UTC))
