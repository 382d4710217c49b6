from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.demo.campaign import DemoClock, parse_clock

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
