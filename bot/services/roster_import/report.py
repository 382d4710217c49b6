"""What an import reports: counts, and every wrong row with its line and reason."""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final, overload

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


class RowErrors(Sequence[RowError]):
    """Every wrong row's problems, kept compact: a line, a problem and a detail in 13 bytes, so that a
    file of a million wrong rows (its units not imported yet, say) still lists them all in little memory.
    Details are kept once each (community codes, column names), a line number as a number."""

    def __init__(self, errors: Iterable[RowError] = ()) -> None:
        self._lines = array("I")
        self._problems = array("B")
        self._details = array("q")  # >= 0: index into _texts; < 0: the number -detail - 1
        self._texts: list[str] = []
        self._text_index: dict[str, int] = {}
        self.extend(errors)

    def append(self, error: RowError) -> None:
        self._lines.append(error.line)
        self._problems.append(_PROBLEM_INDEX[error.problem])
        detail = error.detail
        if detail.isascii() and detail.isdigit() and detail[0] != "0" and len(detail) < 18:
            self._details.append(-int(detail) - 1)
        else:
            index = self._text_index.get(detail)
            if index is None:
                index = self._text_index[detail] = len(self._texts)
                self._texts.append(detail)
            self._details.append(index)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    def _at(self, index: int) -> RowError:
        detail = self._details[index]
        text = self._texts[detail] if detail >= 0 else str(-detail - 1)
        return RowError(self._lines[index], _PROBLEMS[self._problems[index]], text)

    @overload
    def __getitem__(self, index: int) -> RowError: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RowError]: ...
    def __getitem__(self, index: int | slice) -> RowError | Sequence[RowError]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        return self._at(range(len(self))[index])

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[RowError]:
        return (self._at(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RowErrors({list(self[:5])!r}{', ...' if len(self) > 5 else ''})"

    def merged(self, others: Iterable[RowError]) -> RowErrors:
        """These (in line order) and `others` (in line order) in one list by line; for one line, these
        first."""
        return RowErrors(heapq.merge(self, others, key=lambda error: error.line))


_PROBLEMS: Final = tuple(Problem)
_PROBLEM_INDEX: Final = {problem: index for index, problem in enumerate(_PROBLEMS)}


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: Sequence[RowError] = field(default_factory=list)

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
