"""The death-benefit estimate: the national 2021 months table, its cap and floor, the worked example from
public guidance, rounding half-up to the fen, and the county formula with and without published values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bot.domain.death_benefits import (
    COUNTY,
    NATIONAL_2021,
    Case,
    CountyRule,
    DeathBenefitError,
    Estimate,
    Missing,
    National2021Rule,
    county,
    national_2021,
    pension_drawn,
    rule_from_mapping,
    survivor_months,
)
from bot.domain.months import Span


@pytest.mark.parametrize(
    ("contributed", "months"),
    [
        (Span(0), "3"),
        (Span(4, 11), "3"),  # under 5 years
        (Span(5), "6"),  # 5 to under 10 years
        (Span(9, 11), "6"),
        (Span(10), "9"),  # 10 to 15 years
        (Span(14, 11), "9"),
        (Span(15), "9"),
        (Span(15, 1), "109/12"),  # one month of contributions above 15 years: a twelfth of a month more
        (Span(15, 6), "9.5"),
        (Span(16), "10"),
        (Span(28, 9), "22.75"),
        (Span(29, 11), "287/12"),
        (Span(30), "24"),  # the cap
        (Span(30, 1), "24"),
        (Span(35), "24"),
        (Span(45, 7), "24"),
    ],
)
def test_months_follow_the_contribution_years_band_by_band(contributed: Span, months: str) -> None:
    assert survivor_months(contributed) == Fraction(months)


def test_the_worked_example_of_public_guidance() -> None:
    # 28 years 9 months contributed, 3 years 6 months drawn, base 2,818.50: 22.75 - 3.5 = 19.25 months.
    estimate = national_2021(Decimal("2818.50"), Span(28, 9), Span(3, 6))
    assert estimate == Estimate(
        rule=NATIONAL_2021,
        funeral_grant=Decimal("5637.00"),
        survivor_months=Decimal("19.25"),
        survivor_benefit=Decimal("54256.13"),
    )
    assert estimate.total == Decimal("59893.13")


def test_money_rounds_half_up_to_the_fen_not_to_even() -> None:
    # 2818.50 x 19.25 = 54256.125 exactly: half a fen goes up (half-even would give .12).
    assert national_2021(Decimal("2818.50"), Span(28, 9), Span(3, 6)).survivor_benefit == Decimal("54256.13")
    # 1000.01 x 9.5 = 9500.095 exactly; 1000.03 x 9.5 = 9500.285.
    assert national_2021(Decimal("1000.01"), Span(15, 6)).survivor_benefit == Decimal("9500.10")
    assert national_2021(Decimal("1000.03"), Span(15, 6)).survivor_benefit == Decimal("9500.29")
    # Less than half a fen goes down: 1000.01 x 109/12 = 9083.4241...
    assert national_2021(Decimal("1000.01"), Span(15, 1)).survivor_benefit == Decimal("9083.42")


def test_exact_months_are_multiplied_before_rounding() -> None:
    # 15y1m: 109/12 months. 1200.00 x 109/12 = 10900.00 exactly, though 9.08 months are shown.
    estimate = national_2021(Decimal("1200.00"), Span(15, 1))
    assert estimate.survivor_months == Decimal("9.08")
    assert estimate.survivor_benefit == Decimal("10900.00")
    # 15y5m: 113/12 months = 9.4166..., shown 9.42; 1000.00 x 113/12 = 9416.666... -> 9416.67.
    estimate = national_2021(Decimal("1000.00"), Span(15, 5))
    assert (estimate.survivor_months, estimate.survivor_benefit) == (Decimal("9.42"), Decimal("9416.67"))


def test_the_pension_drawn_is_taken_away_to_the_month() -> None:
    assert survivor_months(Span(30), Span(5, 3)) == Fraction("18.75")
    assert survivor_months(Span(20), Span(0, 1)) == Fraction(167, 12)


def test_the_floor_keeps_nine_months_however_long_the_pension_was_drawn() -> None:
    assert survivor_months(Span(28, 9), Span(20)) == 9
    assert survivor_months(Span(35), Span(15)) == 9  # 24 - 15 = 9 exactly
    assert survivor_months(Span(35), Span(14, 11)) == Fraction(109, 12)
    assert survivor_months(Span(15, 6), Span(1)) == 9


@pytest.mark.parametrize(("contributed", "months"), [(Span(3), 3), (Span(7), 6), (Span(12), 9)])
def test_the_floor_raises_no_one_and_nine_months_or_fewer_are_not_reduced(
    contributed: Span, months: int
) -> None:
    # Reading: the floor limits the subtraction; it is not a minimum for everyone who drew a pension.
    assert survivor_months(contributed, Span(4)) == months
    assert survivor_months(contributed, None) == months  # so the pension drawn need not be known


def test_unknown_pension_drawn_leaves_months_above_nine_unknown() -> None:
    assert survivor_months(Span(28, 9), None) is None
    estimate = national_2021(Decimal("2818.50"), Span(28, 9), None)
    assert estimate == Estimate(
        NATIONAL_2021, Decimal("5637.00"), None, None, missing=(Missing.PENSION_DRAWN,)
    )
    assert estimate.total is None


def test_without_a_published_base_only_the_months_are_known() -> None:
    estimate = national_2021(None, Span(28, 9), Span(3, 6))
    assert estimate == Estimate(NATIONAL_2021, None, Decimal("19.25"), None, missing=(Missing.BASE,))
    assert estimate.total is None
    assert national_2021(None, None).missing == (Missing.BASE, Missing.CONTRIBUTED)


def test_the_county_formula_with_published_values() -> None:
    estimate = county(Decimal("3000"), Decimal("2456.78"), Decimal("6"))
    assert estimate == Estimate(COUNTY, Decimal("3000.00"), Decimal("6.00"), Decimal("14740.68"))
    assert estimate.total == Decimal("17740.68")
    assert county(Decimal("0"), Decimal("1000.01"), Decimal("2.5")).survivor_benefit == Decimal("2500.03")


def test_the_county_formula_without_published_values_knows_nothing_it_was_not_told() -> None:
    assert county(None, None, None) == Estimate(
        COUNTY,
        None,
        None,
        None,
        missing=(Missing.FUNERAL_FEE, Missing.AVERAGE_MONTHLY_PENSION, Missing.SURVIVOR_MONTHS),
    )
    funeral_only = county(Decimal("3000"), None, Decimal("6"))
    assert funeral_only == Estimate(
        COUNTY, Decimal("3000.00"), Decimal("6.00"), None, missing=(Missing.AVERAGE_MONTHLY_PENSION,)
    )
    assert funeral_only.total is None


def test_pension_drawn_runs_from_the_month_after_retiring_through_the_month_of_death() -> None:
    assert pension_drawn(date(2020, 3, 15), date(2023, 9, 10)) == Span(3, 6)
    assert pension_drawn(date(2020, 3, 15), date(2020, 3, 31)) == Span(0)
    with pytest.raises(DeathBenefitError, match="before the retirement"):
        pension_drawn(date(2020, 3, 15), date(2020, 3, 14))


def test_a_case_with_a_death_before_retirement_is_refused() -> None:
    with pytest.raises(DeathBenefitError, match="before the retirement"):
        Case(died=date(2019, 1, 1), retired=date(2020, 1, 1))


def test_the_national_rule_takes_the_base_of_the_year_of_death() -> None:
    rule = National2021Rule(bases={2025: Decimal("2818.50"), 2026: None})
    case = Case(died=date(2025, 6, 1), retired=date(2021, 12, 1), contributed=Span(28, 9))
    estimate = rule.estimate(case)
    assert (estimate.funeral_grant, estimate.survivor_months) == (Decimal("5637.00"), Decimal("19.25"))
    assert rule.estimate(Case(died=date(2026, 6, 1))).funeral_grant is None  # 2026 not published
    assert rule.estimate(Case(died=date(2024, 6, 1))).funeral_grant is None  # 2024 not listed
    assert rule.base_for(None) is None  # the latest year listed, 2026, is not published
    assert National2021Rule(base=Decimal("3000")).base_for(date(2030, 1, 1)) == Decimal("3000")


def test_the_national_rule_refuses_deaths_before_it_took_effect() -> None:
    rule = National2021Rule(base=Decimal("2818.50"))
    assert rule.estimate(Case(died=date(2021, 9, 1))).funeral_grant == Decimal("5637.00")
    with pytest.raises(DeathBenefitError, match="2021-09-01"):
        rule.estimate(Case(died=date(2021, 8, 31)))


def test_the_county_rule_ignores_the_case() -> None:
    rule = CountyRule(Decimal("3000"), Decimal("2000"), Decimal("6"))
    assert rule.estimate(Case(contributed=Span(30))) == rule.estimate(Case())


def test_rules_read_from_a_profile_mapping() -> None:
    assert rule_from_mapping({"rule": "national-2021", "base": None}) == National2021Rule()
    assert rule_from_mapping({"rule": "national-2021", "base": 2818.5}) == National2021Rule(
        base=Decimal("2818.50")
    )
    assert rule_from_mapping({"rule": "national-2021", "base": {2025: "2818.50", 2026: None}}) == (
        National2021Rule(bases={2025: Decimal("2818.50"), 2026: None})
    )
    assert rule_from_mapping(
        {"rule": "county", "funeral_fee": 3000, "average_monthly_pension": None, "survivor_months": 6}
    ) == CountyRule(Decimal("3000"), None, Decimal("6"))
    assert rule_from_mapping({"rule": "county"}) == CountyRule()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rule": "provincial"}, "rule must be one of national-2021, county"),
        ({}, "rule must be one of"),
        ([], "must be a mapping"),
        ({"rule": "county", "funeral_fee": -1}, "funeral_fee: cannot be negative"),
        ({"rule": "county", "survivor_months": "six"}, "survivor_months: not a number"),
        ({"rule": "county", "average_monthly_pension": 1.005}, "more than two decimals"),
        ({"rule": "county", "funeral_fee": True}, "funeral_fee: not a number"),
        ({"rule": "county", "base": 1}, "unknown keys base"),
        ({"rule": "national-2021", "base": {"last year": 1}}, "years like 2025"),
        ({"rule": "national-2021", "base": {2025: -2818.5}}, "base.2025: cannot be negative"),
    ],
)
def test_a_broken_profile_mapping_is_refused_naming_the_key(raw: object, message: str) -> None:
    with pytest.raises(DeathBenefitError, match=message):
        rule_from_mapping(raw)
