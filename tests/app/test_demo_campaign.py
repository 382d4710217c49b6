from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app.demo.campaign import DemoClock, describe_clock, parse_clock
from bot.domain.certification_calendar import CertificationCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 2, 27, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+30d", datetime(2027, 3, 29, 2, 0, tzinfo=UTC)),
        ("+2h", datetime(2027, 2, 27, 4, 0, tzinfo=UTC)),
        ("+15m", datetime(2027, 2, 27, 2, 15, tzinfo=UTC)),
        ("2027-03-01", datetime(2027, 3, 1, 9, 30, tzinfo=SHANGHAI)),
        ("2027-03-01 21:00", datetime(2027, 3, 1, 21, 0, tzinfo=SHANGHAI)),
    ],
)
def test_the_demo_clock_moves_by_a_shift_or_to_a_local_time(text: str, expected: datetime) -> None:
    assert parse_clock(text, NOW, SHANGHAI) == expected


def test_garbage_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_clock("next tuesday", NOW, SHANGHAI)


def test_the_clock_is_aware_and_follows_its_offset() -> None:
    clock = DemoClock()
    before = clock.now()
    clock.offset += NOW - before
    assert clock.now().tzinfo is not None
    assert abs((clock.now() - NOW).total_seconds()) < 5


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            datetime(2027, 2, 27, 10, 0, tzinfo=SHANGHAI),
            "next reminder 2027-03-01 09:30; payments stop 2027-08-01",
        ),
        (
            datetime(2027, 7, 31, 23, 59, tzinfo=SHANGHAI),
            "next reminder 2028-03-01 09:30; payments stop 2027-08-01",
        ),
        (
            datetime(2027, 8, 1, 0, 0, tzinfo=SHANGHAI),
            "next reminder 2028-03-01 09:30; payments stop 2028-08-01",
        ),
        (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), "next reminder 2027-03-01 09:30; payments stop 2027-08-01"),
    ],
)
def test_the_banner_names_the_next_suspension_date_not_one_already_past(now: datetime, expected: str) -> None:
    local = now.astimezone(SHANGHAI)
    assert (
        describe_clock(now, CertificationCalendar())
        == f"(clock: {local:%Y-%m-%d %H:%M} Asia/Shanghai; {expected})"
    )
