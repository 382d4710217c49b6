from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import SystemClock


def test_system_clock_is_utc_and_aware() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)
