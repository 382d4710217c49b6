"""Days as people type them: "2026-12-03", "2026/12/3", "2026年12月3日", "12月3日", "12/3", "昨天",
"yesterday".

A day without a year is the latest such day not after today (typed in March, "12月3日" is last December):
a date being asked about here is one that has passed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Final


class DayError(ValueError):
    """Not a day we can read; the message quotes the text."""


_RELATIVE: Final = {
    "今天": 0,
    "今日": 0,
    "today": 0,
    "昨天": 1,
    "昨日": 1,
    "yesterday": 1,
    "前天": 2,
    "前日": 2,
}
_FULL: Final = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*[日号號]?"
)
_SHORT: Final = re.compile(r"(?P<m>\d{1,2})\s*(?:[/.]|月)\s*(?P<d>\d{1,2})\s*[日号號]?")


def parse_day(text: str, today: date) -> date:
    cleaned = unicodedata.normalize("NFKC", text).strip().casefold()
    if cleaned in _RELATIVE:
        return today - timedelta(days=_RELATIVE[cleaned])
    full = _FULL.fullmatch(cleaned)
    try:
        if full is not None:
            return date(int(full["y"]), int(full["m"]), int(full["d"]))
        short = _SHORT.fullmatch(cleaned)
        if short is not None:
            month, day = int(short["m"]), int(short["d"])
            for year in (today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4):
                try:
                    found = date(year, month, day)
                except ValueError:
                    continue  # 29 February of a common year: try the year before
                if found <= today:
                    return found
    except ValueError:
        pass
    raise DayError(f"not a day: {text!r}")
