"""`retiree-bot bench signups` at a small size: hundreds of presses at once through the core confirm
exactly the seats and waitlist the rest, on PostgreSQL."""

from __future__ import annotations

import pytest

from bot.app.bench.activities import bench_signups

pytestmark = pytest.mark.postgres


async def test_presses_at_once_confirm_exactly_the_seats(postgres_server: str) -> None:
    figures = await bench_signups(seats=7, people=120, admin_url=postgres_server)
    assert figures["confirmed"] == 7
    assert figures["waitlisted"] == 113
    assert figures["overbooked"] == 0
    assert figures["duplicate_signups"] == 0
