"""Spans of years and months and calendar months, read the ways people write them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.months import Month, MonthsError, Span


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("28y9m", Span(28, 9)),
        ("28Y 9M", Span(28, 9)),
        ("28 years 9 months", Span(28, 9)),
        ("28y", Span(28)),
        ("9m", Span(0, 9)),
        ("0m", Span(0)),
        ("28年9个月", Span(28, 9)),
        ("28年零9個月", Span(28, 9)),
        ("２８年９个月", Span(28, 9)),
        ("15年", Span(15)),
        ("11个月", Span(0, 11)),
    ],
)
def test_spans_are_read_as_people_write_them(text: str, span: Span) -> None:
    assert Span.parse(text) == span


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-3y", "cannot be negative"),
        ("15y13m", "months must be 0 to 11"),
        ("28", "not a span"),
        ("", "not a span"),
        ("y", "not a span"),
        ("28.5y", "not a span"),
    ],
)
def test_bad_spans_say_why_in_one_line(text: str, message: str) -> None:
    with pytest.raises(MonthsError, match=message) as raised:
        Span.parse(text)
    assert "\n" not in str(raised.value)


def test_a_span_counts_months_and_orders_by_them() -> None:
    assert Span(28, 9).total_months == 345
    assert Span.of_months(345) == Span(28, 9)
    assert str(Span(3, 6)) == "3y6m"
    assert Span(15) < Span(15, 1) < Span(16)
    with pytest.raises(MonthsError):
        Span.of_months(-1)


@pytest.mark.parametrize("text", ["2027-02", "2027-2", "2027/02", "2027年2月", " 2027-02 "])
def test_months_are_read_as_people_write_them(text: str) -> None:
    assert Month.parse(text) == Month(2027, 2)


@pytest.mark.parametrize("text", ["2027-13", "2027-00", "Feb 2027", "2027-02-01", "27-2"])
def test_bad_months_are_refused(text: str) -> None:
    with pytest.raises(MonthsError, match="not a month"):
        Month.parse(text)


def test_months_count_across_a_year_end() -> None:
    assert Month(2027, 2).months_after(Month.of(date(2026, 11, 20))) == 3
    assert Month(2026, 10).months_after(Month(2026, 11)) == -1
    assert str(Month(2027, 2)) == "2027-02"
