"""What a family receives when a retiree dies: the funeral grant and the survivors' lump sum, as an estimate.

Two rules; the region profile's `death_benefits:` section names one and gives its parameters:

- `national-2021`: 人社部发〔2021〕18号, for deaths from 2021-09-01. Funeral grant 丧葬补助金 =
  2 x the "base": the province's previous-year urban residents' monthly per-capita disposable income,
  published each year. Survivors' lump sum 抚恤金 = base x months; the months follow the deceased's
  contribution years (actual plus deemed, counted to the month): under 5 years 3; 5 to under 10 years 6;
  10 to 15 years 9; each year above 15 adds one month, counted to the month (28y9m: 9 + 13.75 = 22.75), up
  to 24 months at 30 years. For someone who drew a pension, minus 1 month per year drawn (counted to the
  month), never below 9 months.
- `county`: the county's own formula (seed 004 section 四): a fixed funeral fee 丧葬费 plus last year's
  county average monthly pension x N months of 抚恤费.

Reading of the 9-month floor: it limits what the years of pension drawn may take away; it is not a minimum
that raises anyone. Months of 9 or fewer before the subtraction (contributions of 15 years or less) are
paid as they are, whatever was drawn: 3 months stay 3, 9 stay 9; 22.75 months less 20 years drawn are 9.
So `max(months - drawn, min(months, 9))`.

Money is Decimal, rounded half-up to the fen once per amount a family is told; months are kept exact (in
twelfths) and only rounded, to hundredths, for showing. A value that is not known is None, and the bot
says to ask the office instead of showing a number. Every figure is an estimate the office confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar, Final

from bot.domain.money import AmountError, to_fen, two_decimals
from bot.domain.months import Span

NATIONAL_2021: Final = "national-2021"
COUNTY: Final = "county"
# 人社部发〔2021〕18号 applies to deaths from this day; earlier deaths fall under the rules it replaced.
NATIONAL_2021_FROM: Final = date(2021, 9, 1)

# The national months table in twelfths of a month, which keeps "counted to the month" exact: above 15
# years each month of contributions adds one twelfth of a month.
_FIVE_YEARS: Final = 5 * 12
_TEN_YEARS: Final = 10 * 12
_FIFTEEN_YEARS: Final = 15 * 12
_FLOOR: Final = 9 * 12  # 9 months, also the months for 10 to 15 years
_CAP: Final = 24 * 12  # 24 months, reached at 30 years
_HUNDREDTH: Final = Decimal("0.01")
NO_PENSION: Final = Span(0)  # the pension drawn by someone who died before drawing one


class DeathBenefitError(ValueError):
    """A case or a rule the estimate cannot be made from; the message fits one line."""


class Missing(StrEnum):
    """What an estimate lacked, so that the bot can say whom to ask: the office for what it publishes (the
    first four, named as in the region profile), the family for what they know of the deceased."""

    BASE = "base"
    FUNERAL_FEE = "funeral_fee"
    AVERAGE_MONTHLY_PENSION = "average_monthly_pension"
    SURVIVOR_MONTHS = "survivor_months"
    CONTRIBUTED = "contributed"
    PENSION_DRAWN = "pension_drawn"


@dataclass(frozen=True, slots=True)
class Estimate:
    """One rule's figures; None where a value is not known (the office is asked instead), and why."""

    rule: str
    funeral_grant: Decimal | None
    survivor_months: Decimal | None  # rounded to hundredths for showing; the benefit uses the exact months
    survivor_benefit: Decimal | None
    missing: tuple[Missing, ...] = ()

    @property
    def total(self) -> Decimal | None:
        if self.funeral_grant is None or self.survivor_benefit is None:
            return None
        return self.funeral_grant + self.survivor_benefit


@dataclass(frozen=True, slots=True)
class Case:
    """What is known of the deceased, each None when unknown. `drawn` (years of pension) wins over the span
    from `retired` to `died`."""

    died: date | None = None
    retired: date | None = None
    contributed: Span | None = None
    drawn: Span | None = None

    def __post_init__(self) -> None:
        if self.died is not None and self.retired is not None and self.died < self.retired:
            raise DeathBenefitError(f"the date of death {self.died} is before the retirement {self.retired}")

    @property
    def pension_drawn(self) -> Span | None:
        if self.drawn is not None:
            return self.drawn
        if self.died is None or self.retired is None:
            return None
        return pension_drawn(self.retired, self.died)


def pension_drawn(retired: date, died: date) -> Span:
    """Years of pension drawn, counted to the month: the pension starts the month after retiring and is due
    up to and including the month of death (retired in March 2020, died in September 2023: 3y6m)."""
    if died < retired:
        raise DeathBenefitError(f"the date of death {died} is before the retirement {retired}")
    return Span.of_months((died.year - retired.year) * 12 + died.month - retired.month)


def survivor_months(contributed: Span, drawn: Span | None = NO_PENSION) -> Fraction | None:
    """Months of the national 2021 survivors' lump sum; None when the pension drawn is unknown and matters.

    `drawn` is the pension drawn (zero for someone who died before drawing one); unknown (None) matters only
    above 9 months, as 9 or fewer are paid whatever was drawn (see the module's reading of the floor).
    """
    twelfths = _survivor_twelfths(contributed, drawn)
    return None if twelfths is None else Fraction(twelfths, 12)


def _survivor_twelfths(contributed: Span, drawn: Span | None) -> int | None:
    paid = contributed.total_months
    if paid < _FIVE_YEARS:
        before = 3 * 12
    elif paid < _TEN_YEARS:
        before = 6 * 12
    else:
        before = min(_FLOOR + max(paid - _FIFTEEN_YEARS, 0), _CAP)
    if before <= _FLOOR:
        return before
    if drawn is None:
        return None
    return max(before - drawn.total_months, _FLOOR)


def national_2021(
    base: Decimal | None, contributed: Span | None, drawn: Span | None = NO_PENSION
) -> Estimate:
    """The national 2021 estimate from the base (None: not published here) and the spans (None: unknown)."""
    twelfths = None if contributed is None else _survivor_twelfths(contributed, drawn)
    months = None if twelfths is None else _hundredths(Decimal(twelfths) / 12)
    benefit = None
    if base is not None and twelfths is not None:
        # Multiply before dividing: a product that ends in half a fen stays exact and rounds up.
        with localcontext(prec=40):
            benefit = to_fen(base * twelfths / 12)
    missing = [Missing.BASE] if base is None else []
    if contributed is None:
        missing.append(Missing.CONTRIBUTED)
    elif twelfths is None:
        missing.append(Missing.PENSION_DRAWN)
    return Estimate(
        rule=NATIONAL_2021,
        funeral_grant=None if base is None else to_fen(2 * base),
        survivor_months=months,
        survivor_benefit=benefit,
        missing=tuple(missing),
    )


def county(
    funeral_fee: Decimal | None, average_monthly_pension: Decimal | None, months: Decimal | None
) -> Estimate:
    """The county estimate: funeral fee + average monthly pension x months, each None until published."""
    benefit = None
    if average_monthly_pension is not None and months is not None:
        benefit = to_fen(average_monthly_pension * months)
    given = {
        Missing.FUNERAL_FEE: funeral_fee,
        Missing.AVERAGE_MONTHLY_PENSION: average_monthly_pension,
        Missing.SURVIVOR_MONTHS: months,
    }
    return Estimate(
        rule=COUNTY,
        funeral_grant=None if funeral_fee is None else to_fen(funeral_fee),
        survivor_months=None if months is None else _hundredths(months),
        survivor_benefit=benefit,
        missing=tuple(key for key, value in given.items() if value is None),
    )


@dataclass(frozen=True, slots=True)
class National2021Rule:
    """The national 2021 rule's parameter: the base, one figure for every year (`base`) or by the year of
    death (`bases`); without a date of death the latest year's is used. None: not published here."""

    name: ClassVar[str] = NATIONAL_2021
    base: Decimal | None = None
    bases: Mapping[int, Decimal | None] = field(default_factory=dict)

    def base_for(self, died: date | None) -> Decimal | None:
        if self.base is not None:
            return self.base
        if not self.bases:
            return None
        return self.bases.get(died.year) if died is not None else self.bases[max(self.bases)]

    def estimate(self, case: Case) -> Estimate:
        if case.died is not None and case.died < NATIONAL_2021_FROM:
            raise DeathBenefitError(
                f"the national 2021 rule covers deaths from {NATIONAL_2021_FROM}, not {case.died}: "
                "ask the office"
            )
        return national_2021(self.base_for(case.died), case.contributed, case.pension_drawn)


@dataclass(frozen=True, slots=True)
class CountyRule:
    """The county's formula; None where the office has not published the value."""

    name: ClassVar[str] = COUNTY
    funeral_fee: Decimal | None = None
    average_monthly_pension: Decimal | None = None
    survivor_months: Decimal | None = None

    def estimate(self, case: Case) -> Estimate:
        return county(self.funeral_fee, self.average_monthly_pension, self.survivor_months)


DeathBenefitRule = National2021Rule | CountyRule
RULES: Final = (NATIONAL_2021, COUNTY)


def rule_from_mapping(raw: Any) -> DeathBenefitRule:
    """Build the rule from a region profile's `death_benefits:` mapping (numbers or null)."""
    if not isinstance(raw, Mapping):
        raise DeathBenefitError("death_benefits must be a mapping with a rule")
    rule = raw.get("rule")
    parameters = {key: value for key, value in raw.items() if key != "rule"}
    if rule == NATIONAL_2021:
        _known(parameters, {"base"})
        base = parameters.get("base")
        if isinstance(base, Mapping):
            by_year = {_year(year): number(f"death_benefits.base.{year}", v) for year, v in base.items()}
            return National2021Rule(bases=by_year)
        return National2021Rule(base=number("death_benefits.base", base))
    if rule == COUNTY:
        _known(parameters, {"funeral_fee", "average_monthly_pension", "survivor_months"})
        return CountyRule(
            funeral_fee=number("death_benefits.funeral_fee", parameters.get("funeral_fee")),
            average_monthly_pension=number(
                "death_benefits.average_monthly_pension", parameters.get("average_monthly_pension")
            ),
            survivor_months=number("death_benefits.survivor_months", parameters.get("survivor_months")),
        )
    raise DeathBenefitError(f"death_benefits.rule must be one of {', '.join(RULES)}, not {rule!r}")


def number(name: str, value: object) -> Decimal | None:
    """An amount in yuan or a number of months (at least 0, at most two decimals); None stays None. Errors
    name it by `name`."""
    if value is None:
        return None
    try:
        return two_decimals(value)
    except AmountError as error:
        raise DeathBenefitError(f"{name}: {error}") from None


def _known(parameters: Mapping[str, Any], known: set[str]) -> None:
    unknown = set(parameters) - known
    if unknown:
        raise DeathBenefitError(f"death_benefits: unknown keys {', '.join(sorted(map(str, unknown)))}")


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise DeathBenefitError(f"death_benefits.base: years must be years like 2025, not {value!r}")
    return int(value)


def _hundredths(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
