"""Amounts in yuan: read from what people type, rounded half-up to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.money import AmountError, parse_amount, to_fen, two_decimals


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2818.50", "2818.50"),
        ("2818.5", "2818.5"),
        ("2,818.50", "2818.50"),
        ("2818.50元", "2818.50"),
        ("¥2818.50", "2818.50"),
        ("CNY 2818.50", "2818.50"),
        ("２８１８．５０", "2818.50"),
        ("0", "0"),
    ],
)
def test_amounts_are_read_as_people_write_them(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "cannot be negative"),
        ("2818.505", "more than two decimals"),
        ("abc", "not a number"),
        ("", "not a number"),
        ("NaN", "not a number"),
        ("1e999999", "too large"),
    ],
)
def test_bad_amounts_say_why(text: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount(text)


def test_numbers_from_a_data_file() -> None:
    assert two_decimals(2818.5) == Decimal("2818.5")
    assert two_decimals(6) == Decimal(6)
    with pytest.raises(AmountError):
        two_decimals(True)
    with pytest.raises(AmountError):
        two_decimals(None)


def test_rounding_is_half_up() -> None:
    assert to_fen(Decimal("54256.125")) == Decimal("54256.13")
    assert to_fen(Decimal("0.005")) == Decimal("0.01")
    assert to_fen(Decimal("0.0049")) == Decimal("0.00")
