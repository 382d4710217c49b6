"""The certification calendar: campaign and rolling cycles, escalation dates, and reading a profile."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.domain.certification_calendar import (
    CalendarError,
    CertificationCalendar,
    Mode,
    MonthDay,
    RollingBasis,
    calendar_from_mapping,
)
from bot.regions import PROFILES_DIR

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 30, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def section(profile: str) -> dict[str, object]:
    raw = yaml.safe_load((PROFILES_DIR / f"{profile}.yaml").read_text(encoding="utf-8"))
    result: dict[str, object] = raw["certification"]
    return result


def test_default_reminders_fall_on_the_issue_days_at_half_past_nine_local() -> None:
    cycle = CertificationCalendar().campaign_cycle(2027)
    assert [r.astimezone(SHANGHAI) for r in cycle.reminders] == [
        at(3, 1),
        at(3, 15),
        at(4, 1),
        at(4, 15),
        at(4, 25),
    ]
    assert cycle.reminders[0].astimezone(UTC) == datetime(2027, 3, 1, 1, 30, tzinfo=UTC)
    assert (cycle.window_start, cycle.deadline, cycle.suspension) == (
        date(2027, 3, 1),
        date(2027, 4, 30),
        date(2027, 8, 1),
    )


def test_the_county_certifies_in_april_and_may_and_suspends_in_august() -> None:
    calendar = calendar_from_mapping(section("county"))
    cycle = calendar.campaign_cycle(2027)
    assert calendar.mode is Mode.CAMPAIGN
    assert (cycle.window_start, cycle.deadline) == (date(2027, 4, 1), date(2027, 5, 31))
    assert cycle.elsewhere_upload_by == date(2027, 3, 31)
    assert cycle.suspension_at == at(8, 1, 0, 0)
    assert cycle.window_closes_at == at(6, 1, 0, 0)
    # Family after the 2nd reminder (+7 days), staff list after the 3rd (+5 days).
    assert cycle.family_at == at(3, 22)
    assert cycle.staff_task_at == at(4, 6)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2, 28, 23, 59), None),
        (at(3, 1, 9, 29), None),
        (at(3, 1), 1),
        (at(3, 14, 20, 0), 1),
        (at(3, 15), 2),
        (at(4, 26), 5),  # only the latest: a missed tick never sends a burst of old reminders
        (at(5, 31, 23, 59), 5),
        (at(6, 1, 0, 0), None),  # the window has closed
    ],
)
def test_due_reminder_is_the_latest_one_while_the_window_is_open(
    moment: datetime, expected: int | None
) -> None:
    cycle = calendar_from_mapping(section("county")).campaign_cycle(2027)
    assert cycle.due_reminder(moment) == expected


def test_escalation_steps_can_be_switched_off() -> None:
    calendar = calendar_from_mapping({"escalation": {"family": None, "staff_task": {"after_reminder": 4}}})
    cycle = calendar.campaign_cycle(2027)
    assert cycle.family_at is None
    assert cycle.staff_task_at == at(4, 15)


def test_next_deadline_is_next_years_window_end() -> None:
    calendar = calendar_from_mapping(section("county"))
    assert calendar.next_deadline(calendar.campaign_cycle(2027)) == date(2028, 5, 31)


def test_the_upcoming_cycle_is_next_years_from_this_years_suspension_date() -> None:
    calendar = calendar_from_mapping(section("county"))
    assert calendar.upcoming_cycle(at(7, 31, 23, 59)).suspension == date(2027, 8, 1)
    assert calendar.upcoming_cycle(at(8, 1, 0, 0)).suspension == date(2028, 8, 1)
    assert calendar.upcoming_cycle(at(12, 31, 23, 59)).key == "2028"
    assert calendar.upcoming_cycle(at(1, 1, 0, 0, year=2028)).key == "2028"


def test_the_next_window_opens_next_year_or_a_year_after_a_rolling_due_date() -> None:
    county = calendar_from_mapping(section("county"))
    assert county.next_window_start(county.campaign_cycle(2027)) == date(2028, 4, 1)
    rolling = calendar_from_mapping(section("rolling-example"))
    # Due 20 May 2028, reminded from 60 days before.
    assert rolling.next_window_start(rolling.rolling_cycle(date(2027, 5, 20))) == date(2028, 3, 21)


def test_the_cycle_is_the_local_year() -> None:
    calendar = CertificationCalendar()
    # 31 December 17:00 UTC is already 1 January in Shanghai.
    assert calendar.campaign_key(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == "2027"


def test_29_february_is_clamped_in_other_years() -> None:
    assert MonthDay(2, 29).in_year(2027) == date(2027, 2, 28)
    assert MonthDay(2, 29).in_year(2028) == date(2028, 2, 29)


def test_rolling_anniversary_is_twelve_months_after_the_last_certification() -> None:
    calendar = calendar_from_mapping(section("rolling-example"))
    assert calendar.mode is Mode.ROLLING
    due = calendar.rolling_due(date(2026, 5, 20), date(1950, 9, 3), date(2027, 1, 1))
    assert due == date(2027, 5, 20)
    cycle = calendar.rolling_cycle(due)
    assert cycle.key == "2027-05"
    assert cycle.reminders[0].date() == date(2027, 3, 21)  # 60 days before
    assert cycle.suspension == date(2027, 8, 18)  # 90 days of grace


def test_rolling_without_a_certification_is_due_by_the_birthday_month() -> None:
    calendar = calendar_from_mapping({"mode": "rolling", "rolling": {"basis": "birthday_month"}})
    assert calendar.rolling_basis is RollingBasis.BIRTHDAY_MONTH
    assert calendar.rolling_due(None, date(1950, 9, 3), date(2027, 1, 10)) == date(2027, 9, 30)
    # Past the birthday month but within its grace: still that cycle (its suspension must happen) ...
    assert calendar.rolling_due(None, date(1950, 2, 3), date(2027, 3, 10)) == date(2027, 2, 28)
    # ... and after the grace, next year's.
    assert calendar.rolling_due(None, date(1950, 2, 3), date(2027, 6, 1)) == date(2028, 2, 29)
    assert calendar.rolling_due(date(2027, 9, 1), date(1950, 9, 3), date(2027, 9, 2)) == date(2028, 9, 30)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"reminders": ["03-01"]}, "unknown keys"),
        ({"reminder_days": ["13-01"]}, "not a day of the year"),
        ({"reminder_days": ["03-15", "03-01"]}, "in order"),
        ({"reminder_days": ["03-01", "05-15"], "window": {"end": "04-30"}}, "after the window"),
        ({"suspension": "04-01"}, "after the window closes"),
        ({"mode": "sometimes"}, "certification"),
        ({"time_zone": "Mars/Olympus"}, "certification"),
        ({"reminder_time": "half past nine"}, "certification"),
    ],
)
def test_a_broken_section_names_its_problem(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(CalendarError, match=problem):
        calendar_from_mapping(raw)


@pytest.mark.parametrize("path", sorted(PROFILES_DIR.glob("*.yaml")), ids=lambda p: Path(p).stem)
def test_every_shipped_profile_has_a_valid_calendar(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    calendar = calendar_from_mapping(raw["certification"])
    assert calendar.reminder_time == time(9, 30)
