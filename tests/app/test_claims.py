"""`retiree-bot claims estimate`: the death-benefit estimate by the region profile or by flags, in plain words
or JSON; bad input is one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pytest

from .conftest import CliRunner

WORKED_EXAMPLE = ("--rule", "national-2021", "--base", "2818.50", "--contributed", "28y9m", "--drawn", "3y6m")
KEYS = [
    "rule",
    "funeral_grant",
    "survivor_months",
    "survivor_benefit",
    "total",
    "overpaid_months",
    "overpaid",
]


def _json(cli: CliRunner, *args: str, env: Mapping[str, str] = MappingProxyType({})) -> dict[str, str | None]:
    done = cli("claims", "estimate", "--json", *args, env=env)
    assert done.returncode == 0, done.stderr
    result: dict[str, str | None] = json.loads(done.stdout)
    assert list(result) == KEYS
    return result


def test_the_worked_example_of_public_guidance(cli: CliRunner) -> None:
    assert _json(cli, *WORKED_EXAMPLE) == {
        "rule": "national-2021",
        "funeral_grant": "5637.00",
        "survivor_months": "19.25",
        "survivor_benefit": "54256.13",
        "total": "59893.13",
        "overpaid_months": None,
        "overpaid": None,
    }


def test_pension_paid_after_a_death_across_a_year_end(cli: CliRunner) -> None:
    result = _json(
        cli,
        *WORKED_EXAMPLE,
        "--died",
        "2026-11-20",
        "--paid-through",
        "2027-02",
        "--monthly-pension",
        "3012.45",
    )
    assert (result["overpaid_months"], result["overpaid"]) == ("3.00", "9037.35")
    text = cli("claims", "estimate", *WORKED_EXAMPLE, "--died", "2026-11-20", "--paid-through", "2027-02")
    assert "Pension paid after the death: 3 month(s), ask the office for the amount" in text.stdout


def test_the_years_drawn_follow_the_retirement_and_the_death(cli: CliRunner) -> None:
    result = _json(
        cli,
        "--rule",
        "national-2021",
        "--base",
        "2818.50",
        "--contributed",
        "28年9个月",
        "--retired",
        "2022-05-10",
        "--died",
        "2025-11-30",
    )
    assert (result["survivor_months"], result["survivor_benefit"]) == ("19.25", "54256.13")


def test_the_county_formula_with_values(cli: CliRunner) -> None:
    result = _json(
        cli, "--rule", "county", "--funeral", "3000", "--average-pension", "2456.78", "--months", "6"
    )
    assert result == {
        "rule": "county",
        "funeral_grant": "3000.00",
        "survivor_months": "6.00",
        "survivor_benefit": "14740.68",
        "total": "17740.68",
        "overpaid_months": None,
        "overpaid": None,
    }


def test_the_county_profile_without_published_values_says_to_ask_the_office(cli: CliRunner) -> None:
    assert _json(cli) == dict.fromkeys(KEYS) | {"rule": "county"}
    done = cli("claims", "estimate")
    assert done.returncode == 0, done.stderr
    assert "Funeral grant:       not known" in done.stdout
    assert "the funeral fee: ask the office, or --funeral" in done.stdout
    assert "county social insurance bureau confirms it" in done.stdout
    assert "yuan" not in done.stdout


def test_a_profile_with_published_values_and_flags_that_override_them(cli: CliRunner, tmp_path: Path) -> None:
    profile = tmp_path / "published.yaml"
    profile.write_text(
        "id: published\n"
        "death_benefits:\n"
        "  {rule: county, funeral_fee: 3000, average_monthly_pension: 2456.78, survivor_months: 6}\n",
        encoding="utf-8",
    )
    env = {"REGION_PROFILE": str(profile)}
    assert _json(cli, env=env)["total"] == "17740.68"
    assert _json(cli, "--months", "3", env=env)["survivor_benefit"] == "7370.34"
    # Another rule than the profile's starts from nothing the profile says.
    national = _json(cli, "--rule", "national-2021", "--contributed", "16y", "--drawn", "0m", env=env)
    assert (national["funeral_grant"], national["survivor_months"]) == (None, "10.00")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--rule", "national-2021", "--contributed=-3y"), "cannot be negative"),
        (("--rule", "national-2021", "--contributed", "-3y"), "--contributed"),
        (("--rule", "national-2021", "--contributed", "15y13m"), "months must be 0 to 11"),
        (
            ("--rule", "national-2021", "--retired", "2020-01-01", "--died", "2019-05-05"),
            "before the retirement",
        ),
        (("--rule", "national-2021", "--died", "2021-08-31"), "deaths from 2021-09-01"),
        (("--rule", "provincial"), "--rule must be one of national-2021, county"),
        (("--base", "2818.50"), "--base goes with --rule national-2021 (not county)"),
        (("--rule", "county", "--months", "six"), "--months: not a number"),
        (("--died", "2026-02-30"), "--died: not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: CliRunner, args: tuple[str, ...], says: str) -> None:
    done = cli("claims", "estimate", "--json", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert says in lines[0]
