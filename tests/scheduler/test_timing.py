from __future__ import annotations

import random
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.outbox import MessageCategory
from scheduler.delivery.timing import Backoff, QuietHours, quiet_until, zone_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_quiet_hours_span_midnight() -> None:
    hours = QuietHours(time(20, 0), time(8, 30))
    assert hours.contains(time(20, 0))
    assert hours.contains(time(3, 0))
    assert not hours.contains(time(8, 30))
    assert not hours.contains(time(12, 0))


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2025, 3, 3, 13, 0, tzinfo=UTC), datetime(2025, 3, 4, 0, 30, tzinfo=UTC)),  # 21:00 local
        (datetime(2025, 3, 3, 18, 0, tzinfo=UTC), datetime(2025, 3, 4, 0, 30, tzinfo=UTC)),  # 02:00 local
        (datetime(2025, 3, 3, 4, 0, tzinfo=UTC), None),  # noon local
    ],
)
def test_quiet_until_the_local_morning(utc: datetime, expected: datetime | None) -> None:
    assert QuietHours().until(utc, SHANGHAI) == expected


def test_urgent_messages_ignore_quiet_hours() -> None:
    night = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    assert quiet_until(MessageCategory.URGENT, night, None, SHANGHAI, QuietHours()) is None
    assert quiet_until(MessageCategory.REMINDER, night, None, SHANGHAI, QuietHours()) is not None


def test_the_recipients_own_zone_counts() -> None:
    # 13:00 UTC is 21:00 in Shanghai but 14:00 in Berlin.
    at = datetime(2025, 3, 3, 13, 0, tzinfo=UTC)
    assert quiet_until(MessageCategory.NOTICE, at, "Europe/Berlin", SHANGHAI, QuietHours()) is None
    assert zone_of("Not/AZone", SHANGHAI) is SHANGHAI


def test_quiet_hours_parse_and_off() -> None:
    assert QuietHours.parse("22:00-07:00") == QuietHours(time(22, 0), time(7, 0))
    assert not QuietHours.parse("off").enabled
    with pytest.raises(ValueError, match="20:00-08:30"):
        QuietHours.parse("all night")


def test_backoff_doubles_with_jitter_and_gives_up() -> None:
    backoff = Backoff(base_s=2.0, cap_s=10.0, max_attempts=4)
    rng = random.Random(1)
    first, second, capped = backoff.delay(1, rng), backoff.delay(2, rng), backoff.delay(9, rng)
    assert 1.0 <= first < 3.0
    assert 2.0 <= second < 6.0
    assert 5.0 <= capped < 15.0
    assert not backoff.gives_up(3)
    assert backoff.gives_up(4)
