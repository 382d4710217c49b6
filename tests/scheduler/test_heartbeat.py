from __future__ import annotations

import asyncio
import os
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.heartbeat import FORGET_AFTER, Heartbeat
from storage.database import Database
from storage.repositories.instances import Instance, SqlInstances
from tests.fakes import FakeClock

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def heartbeat(database: Database, clock: FakeClock, **kwargs: object) -> Heartbeat:
    options: dict[str, object] = {"instance_id": "host:1:abc", "role": "worker", "runs_jobs": False} | kwargs
    return Heartbeat(SqlInstances(database.sessions), clock, **options)  # type: ignore[arg-type]


async def _rows(database: Database) -> list[Instance]:
    return list(await SqlInstances(database.sessions).all())


async def test_a_running_instance_has_its_row_until_it_stops(database: Database) -> None:
    clock = FakeClock(NOW)
    stop = asyncio.Event()
    task = asyncio.create_task(heartbeat(database, clock, role="run", runs_jobs=True).run(stop))
    deadline = time.monotonic() + 5
    while not await _rows(database):
        assert time.monotonic() < deadline, "no heartbeat row"
        await asyncio.sleep(0.01)

    [row] = await _rows(database)
    assert (row.id, row.role, row.pid, row.runs_jobs, row.seen_at) == (
        "host:1:abc",
        "run",
        os.getpid(),
        True,
        NOW,
    )

    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert await _rows(database) == []


async def test_each_beat_moves_seen_at_and_forgets_instances_gone_for_a_day(database: Database) -> None:
    clock = FakeClock(NOW)
    instances = SqlInstances(database.sessions)
    gone = Instance("old", "worker", "h", 1, True, NOW - FORGET_AFTER * 2, NOW - FORGET_AFTER - timedelta(1))
    crashed = Instance("crashed", "worker", "h", 2, True, NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    await instances.beat(gone)
    await instances.beat(crashed)
    beating = heartbeat(database, clock)

    await beating.beat()
    clock.advance(timedelta(seconds=30))
    await beating.beat()

    assert [(row.id, row.seen_at) for row in await _rows(database)] == [
        ("host:1:abc", NOW + timedelta(seconds=30)),
        ("crashed", NOW - timedelta(hours=1)),
    ]


async def test_a_beat_without_a_database_is_only_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with Database.from_url(f"postgresql://nobody@127.0.0.1:{closed}/nothing") as unreachable:
        await heartbeat(unreachable, FakeClock(NOW)).beat()

    assert "heartbeat not recorded (ConnectionRefusedError)" in caplog.text
