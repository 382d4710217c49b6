"""Amounts of money in yuan: read from what people type, and rounded half-up to the fen (四舍五入).

Amounts are Decimal, never float; rounding happens once, on each amount a person is told.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

FEN: Final = Decimal("0.01")
# "2818.50", "2,818.50", "2818.5元", "¥2818.50", "CNY 2818.50" (after NFKC: full-width digits and commas).
_AMOUNT: Final = re.compile(
    r"(?:¥|CNY|RMB)?\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*元?", re.IGNORECASE
)


class AmountError(ValueError):
    """Not a number of at least zero with at most two decimals; the message quotes it and fits one line."""


def to_fen(value: Decimal) -> Decimal:
    """`value` rounded half-up to the fen: 54256.125 -> 54256.13."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Read an amount in yuan that people type ("2,818.50", "2818.5元"): at least 0, at most two decimals."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        return two_decimals(cleaned)  # says why: negative, or not a number at all
    return two_decimals(match["number"].replace(",", ""))


def two_decimals(value: object) -> Decimal:
    """`value` (an int, a str, a Decimal; a float through its shortest repr, as YAML gives 2818.5) as a
    Decimal of at least zero with at most two decimals (an amount in fen, a count of months)."""
    number = None
    if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            number = None
    if number is None or not number.is_finite():
        raise AmountError(f"not a number: {value!r}")
    if number < 0:
        raise AmountError(f"cannot be negative: {value!r}")
    try:
        rounded = to_fen(number)
    except ArithmeticError:
        raise AmountError(f"too large: {value!r}") from None
    if rounded != number:
        raise AmountError(f"more than two decimals: {value!r}")
    return number
