"""Pension paid after a death: the pension is due up to and including the month of death; months paid after
it are overpaid and go back to the social insurance office (seed 004 section 四: 冒领 is recovered).

Died 2026-11-20, paid through 2027-02: December, January and February, 3 months overpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.money import to_fen
from bot.domain.months import Month


@dataclass(frozen=True, slots=True)
class Overpayment:
    months: int
    amount: Decimal | None  # None when the monthly pension is not known


def overpayment(died: date, paid_through: Month, monthly_pension: Decimal | None = None) -> Overpayment:
    """Months paid after the month of death (none when payment stopped by then) and their amount."""
    months = max(paid_through.months_after(Month.of(died)), 0)
    amount = None if monthly_pension is None else to_fen(monthly_pension * months)
    return Overpayment(months, amount)
