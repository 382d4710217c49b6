"""Spans of years and months ("28y9m", "28年9个月") and calendar months ("2027-02"), counted to the month.

Benefit rules count contribution and pension years "to the month" (按月计算): a span is a whole number of
months, shown as years and months. A calendar month is where a pension payment or a death falls.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final


class MonthsError(ValueError):
    """A span or a month that cannot be read or cannot be; the message quotes the text and fits one line."""


# "28y9m", "28y", "9m", "28 years 9 months", "28年9个月", "28年零9个月", "9個月"
# (after NFKC, which turns full-width digits and letters into ASCII).
_SPAN: Final = re.compile(
    r"(?:(?P<years>\d+)\s*(?:y|yrs?|years?|年))?\s*零?\s*(?:(?P<months>\d+)\s*(?:m|mos?|months?|个月|個月|月))?",
    re.IGNORECASE,
)
# "2027-02", "2027-2", "2027/02", "2027.2", "2027年2月".
_MONTH: Final = re.compile(r"(?P<year>\d{4})\s*(?:[-/.]|年)\s*(?P<month>\d{1,2})\s*月?")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A length of time in whole years and months (months 0 to 11), never negative."""

    years: int
    months: int = 0

    def __post_init__(self) -> None:
        if self.years < 0 or self.months < 0:
            raise MonthsError(f"a span of time cannot be negative: {self.years}y{self.months}m")
        if self.months > 11:
            raise MonthsError(f"months must be 0 to 11 beside the years: {self.years}y{self.months}m")

    @classmethod
    def of_months(cls, total: int) -> Span:
        if total < 0:
            raise MonthsError(f"a span of time cannot be negative: {total} months")
        return cls(*divmod(total, 12))

    @classmethod
    def parse(cls, text: str) -> Span:
        """Read "28y9m", "28y", "9m" or "28年9个月" (also 個月, 年零, full-width digits)."""
        cleaned = unicodedata.normalize("NFKC", text).strip()
        if cleaned.startswith("-"):
            raise MonthsError(f"a span of time cannot be negative: {text!r}")
        match = _SPAN.fullmatch(cleaned)
        if not cleaned or match is None or (match["years"] is None and match["months"] is None):
            raise MonthsError(f"not a span of years and months: {text!r} (write it like 28y9m or 28年9个月)")
        return cls(int(match["years"] or 0), int(match["months"] or 0))

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def __str__(self) -> str:
        return f"{self.years}y{self.months}m"


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise MonthsError(f"not a month: {self.year:04d}-{self.month:02d}")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read "2027-02" (also 2027-2, 2027/02, 2027年2月)."""
        match = _MONTH.fullmatch(unicodedata.normalize("NFKC", text).strip())
        if match is None:
            raise MonthsError(f"not a month: {text!r} (write it like 2027-02)")
        return cls(int(match["year"]), int(match["month"]))

    def months_after(self, earlier: Month) -> int:
        """How many months this one comes after `earlier` (negative when it comes before)."""
        return (self.year - earlier.year) * 12 + self.month - earlier.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
