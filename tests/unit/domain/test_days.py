from __future__ import annotations

from datetime import date

import pytest

from bot.domain.days import DayError, parse_day

TODAY = date(2027, 3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("2026/12/3", date(2026, 12, 3)),
        ("2026年12月3日", date(2026, 12, 3)),
        ("２０２６年１２月３日", date(2026, 12, 3)),
        ("12月3日", date(2026, 12, 3)),  # no year: the latest one that has passed
        ("3月1号", date(2027, 3, 1)),
        ("昨天", date(2027, 3, 4)),
        ("Yesterday", date(2027, 3, 4)),
        ("前天", date(2027, 3, 3)),
        ("today", TODAY),
    ],
)
def test_days_read_as_people_type_them(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "last week", "2026-13-01", "2026-02-30", "13月40日", "hello"])
def test_what_is_not_a_day_is_refused(text: str) -> None:
    with pytest.raises(DayError):
        parse_day(text, TODAY)


def test_29_february_without_a_year_is_the_last_one() -> None:
    assert parse_day("2月29日", TODAY) == date(2024, 2, 29)
