"""Reading a cell: dates in every spelling an office's files hold."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.services.roster_import import parse_date


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-3-5", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.03.05", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024 年 3 月 5 日", date(2024, 3, 5)),
        ("２０２４年３月５日", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),  # an Excel serial number that lost its date format
        (45356.0, date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),
        (20240305, date(2024, 3, 5)),
        (datetime(2024, 3, 5, 0, 0), date(2024, 3, 5)),  # noqa: DTZ001 - spreadsheet cells are naive
        (date(2024, 3, 5), date(2024, 3, 5)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date_accepts_the_usual_spellings(
    cell: str | float | date | None, expected: date | None
) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell", ["2024-02-30", "2024年13月1日", "March 5", "5/3/2024", "20241305", True, "0"]
)
def test_parse_date_rejects_non_dates(cell: str | bool) -> None:
    with pytest.raises(ValueError, match=r"date|month|day|range"):
        parse_date(cell)
