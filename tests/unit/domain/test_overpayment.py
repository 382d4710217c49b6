"""Pension paid after a death: due through the month of death, overpaid after it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.domain.months import Month
from bot.domain.overpayment import Overpayment, overpayment


def test_months_paid_after_the_month_of_death_across_a_year_end() -> None:
    # December, January and February.
    assert overpayment(date(2026, 11, 20), Month(2027, 2)) == Overpayment(3, None)
    assert overpayment(date(2026, 11, 20), Month(2027, 2), Decimal("3012.45")) == Overpayment(
        3, Decimal("9037.35")
    )


def test_the_month_of_death_is_due() -> None:
    due = overpayment(date(2026, 11, 30), Month(2026, 11), Decimal("3000"))
    assert due == Overpayment(0, Decimal("0.00"))


def test_payment_stopped_before_the_death_overpays_nothing() -> None:
    assert overpayment(date(2027, 1, 5), Month(2026, 10), Decimal("3000")).months == 0
