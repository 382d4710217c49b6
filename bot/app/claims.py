"""`retiree-bot claims estimate`: the death-benefit estimate by the region profile's formula, or by flags that
override it, and the pension paid after the death. Always an estimate the office confirms.

Bad input (a negative span, 15y13m, a death before the retirement) is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

from bot.config import Settings
from bot.domain.death_benefits import (
    COUNTY,
    NATIONAL_2021,
    RULES,
    Case,
    CountyRule,
    DeathBenefitError,
    DeathBenefitRule,
    Estimate,
    Missing,
    National2021Rule,
    number,
)
from bot.domain.money import AmountError, parse_amount
from bot.domain.months import Month, MonthsError, Span
from bot.domain.overpayment import Overpayment, overpayment
from bot.regions import RegionError, RegionProfile, load_region_profile

from . import CommandError

# The flags each rule takes; the others are refused rather than quietly ignored.
_RULE_FLAGS = {
    NATIONAL_2021: ("base", "contributed", "drawn"),
    COUNTY: ("funeral", "average_pension", "months"),
}
_RULE_NAMES = {
    NATIONAL_2021: "the national rule of 2021 (人社部发〔2021〕18号, deaths from 2021-09-01)",
    COUNTY: "the county's formula (funeral fee + average monthly pension x months)",
}
# Whom to ask for each value the estimate lacked, and the flag that gives it here.
_MISSING = {
    Missing.BASE: "the base (the province's monthly disposable income per head): ask the office, or --base",
    Missing.FUNERAL_FEE: "the funeral fee: ask the office, or --funeral",
    Missing.AVERAGE_MONTHLY_PENSION: "the average monthly pension: ask the office, or --average-pension",
    Missing.SURVIVOR_MONTHS: "the months of survivors' benefit: ask the office, or --months",
    Missing.CONTRIBUTED: "the years of contributions: --contributed (like 28y9m)",
    Missing.PENSION_DRAWN: "the years of pension drawn: --drawn (like 3y6m), or --retired and --died",
}
KEYS = (
    "rule",
    "funeral_grant",
    "survivor_months",
    "survivor_benefit",
    "total",
    "overpaid_months",
    "overpaid",
)


T = TypeVar("T")


class InputError(ValueError):
    """A flag's value that cannot be used; one line."""


class _OneLineParser(argparse.ArgumentParser):
    """A mistake in the flags is one line, like a mistake in their values (exit 2 all the same)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def add_commands(commands: Any) -> None:
    claims = commands.add_parser("claims", help="death-benefit claims")
    claims_commands = claims.add_subparsers(
        dest="claims_command", required=True, metavar="ACTION", parser_class=_OneLineParser
    )
    estimate = claims_commands.add_parser(
        "estimate",
        help="estimate the funeral grant, the survivors' benefit and any pension paid after the death",
        description="An estimate by the region profile's formula (REGION_PROFILE); flags override it. "
        "The office confirms the amounts.",
    )
    estimate.add_argument("--json", action="store_true", help="print one JSON object")
    estimate.add_argument("--rule", metavar="|".join(RULES), help="the formula (default: the profile's)")
    national = estimate.add_argument_group("national-2021")
    national.add_argument("--base", metavar="AMOUNT", help="previous-year monthly disposable income per head")
    national.add_argument("--contributed", metavar="SPAN", help="years of contributions, like 28y9m")
    national.add_argument("--drawn", metavar="SPAN", help="years of pension drawn, like 3y6m")
    county = estimate.add_argument_group("county")
    county.add_argument("--funeral", metavar="AMOUNT", help="the fixed funeral fee")
    county.add_argument("--average-pension", metavar="AMOUNT", help="last year's average monthly pension")
    county.add_argument("--months", metavar="N", help="months of average pension paid to survivors")
    case = estimate.add_argument_group("the deceased")
    case.add_argument("--retired", metavar="YYYY-MM-DD", help="date of retirement (gives the years drawn)")
    case.add_argument("--died", metavar="YYYY-MM-DD", help="date of death")
    case.add_argument("--paid-through", metavar="YYYY-MM", help="the last month the pension was paid for")
    case.add_argument("--monthly-pension", metavar="AMOUNT", help="the monthly pension that was paid")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "claims" and args.claims_command == "estimate":
        return estimate_command(args, settings)
    return None


@dataclass(frozen=True, slots=True)
class ClaimEstimate:
    estimate: Estimate | None  # None: no formula named
    overpayment: Overpayment | None  # None: the date of death or the last month paid is not known
    office: str


def estimate_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        profile = load_region_profile(settings.region_profile)
    except RegionError as error:
        raise CommandError(str(error)) from None
    try:
        result = claim_estimate(args, profile)
    except (InputError, MonthsError, AmountError, DeathBenefitError) as error:
        print(f"retiree-bot: {error}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(result)) if args.json else render(result, args))
    return 0


def claim_estimate(args: argparse.Namespace, profile: RegionProfile) -> ClaimEstimate:
    rule = _rule(args, profile.death_benefits)
    died = _date("--died", args.died)
    case = Case(
        died=died,
        retired=_date("--retired", args.retired),
        contributed=_flag("--contributed", args.contributed, Span.parse),
        drawn=_flag("--drawn", args.drawn, Span.parse),
    )
    paid_through = _flag("--paid-through", args.paid_through, Month.parse)
    monthly = _flag("--monthly-pension", args.monthly_pension, parse_amount)
    paid_back = None if died is None or paid_through is None else overpayment(died, paid_through, monthly)
    office = profile.value("social_insurance_office", "en") or "the social insurance office"
    return ClaimEstimate(None if rule is None else rule.estimate(case), paid_back, office)


def _rule(args: argparse.Namespace, in_profile: DeathBenefitRule | None) -> DeathBenefitRule | None:
    name = args.rule or (in_profile.name if in_profile is not None else None)
    if name is not None and name not in RULES:
        raise InputError(f"--rule must be one of {', '.join(RULES)}, not {name!r}")
    for other, flags in _RULE_FLAGS.items():
        given = [flag for flag in flags if getattr(args, flag) is not None]
        if given and other != name:
            flag = "--" + given[0].replace("_", "-")
            used = f"not {name}" if name else "the region profile names no formula"
            raise InputError(f"{flag} goes with --rule {other} ({used})")
    if name is None:
        return None
    if name == NATIONAL_2021:
        national = in_profile if isinstance(in_profile, National2021Rule) else National2021Rule()
        base = _flag("--base", args.base, parse_amount)
        return national if base is None else replace(national, base=base)
    county = in_profile if isinstance(in_profile, CountyRule) else CountyRule()
    overrides = {
        "funeral_fee": _flag("--funeral", args.funeral, parse_amount),
        "average_monthly_pension": _flag("--average-pension", args.average_pension, parse_amount),
        "survivor_months": number("--months", args.months),
    }
    return replace(county, **{key: value for key, value in overrides.items() if value is not None})


def _flag(flag: str, text: str | None, parse: Callable[[str], T]) -> T | None:
    if text is None:
        return None
    try:
        return parse(text)
    except (MonthsError, AmountError) as error:
        raise InputError(f"{flag}: {error}") from None


def _date(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{flag}: not a date: {text!r} (write it like 2026-11-20)") from None


def as_json(result: ClaimEstimate) -> dict[str, str | None]:
    """The figures with KEYS: money and months as strings with two decimals, null where not known."""
    estimate, paid_back = result.estimate, result.overpayment
    figures: tuple[Decimal | None, ...] = (None,) * 4
    if estimate is not None:
        figures = (
            estimate.funeral_grant,
            estimate.survivor_months,
            estimate.survivor_benefit,
            estimate.total,
        )
    overpaid = (None, None) if paid_back is None else (Decimal(paid_back.months), paid_back.amount)
    values = dict(zip(KEYS[1:], map(_two, (*figures, *overpaid)), strict=True))
    return {"rule": None if estimate is None else estimate.rule, **values}


def _two(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def render(result: ClaimEstimate, args: argparse.Namespace) -> str:
    """Plain words: each figure or what to ask for instead, and that the office confirms."""
    estimate = result.estimate
    lines = []
    if estimate is None:
        lines.append("The region profile names no death-benefit formula: ask the office, or give --rule.")
    else:
        lines.append(f"Estimate by {_RULE_NAMES[estimate.rule]}. {_capital(result.office)} confirms it.")
        months = "" if estimate.survivor_months is None else f" ({estimate.survivor_months} months)"
        lines += [
            f"  Funeral grant:       {_money(estimate.funeral_grant)}",
            f"  Survivors' benefit:  {_money(estimate.survivor_benefit)}{months}",
            f"  Total:               {_money(estimate.total)}",
        ]
        if estimate.missing:
            lines.append("Not known here:")
            lines += [f"  - {_MISSING[missing]}" for missing in estimate.missing]
    paid_back = result.overpayment
    if paid_back is None:
        wanted = [
            flag for flag, text in (("--died", args.died), ("--paid-through", args.paid_through)) if not text
        ]
        lines.append(f"Pension paid after the death: not known (give {' and '.join(wanted)}).")
    elif paid_back.months == 0:
        lines.append("Pension paid after the death: none (it is due through the month of death).")
    else:
        amount = "ask the office for the amount, or give --monthly-pension"
        if paid_back.amount is not None:
            amount = f"{_money(paid_back.amount)} to pay back to {result.office}"
        lines.append(f"Pension paid after the death: {paid_back.months} month(s), {amount}.")
    return "\n".join(lines)


def _money(value: Decimal | None) -> str:
    return "not known" if value is None else f"{value:,.2f} yuan"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
