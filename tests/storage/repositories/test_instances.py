"""The instances table each running process beats into (scheduler/heartbeat.py), on each backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.repositories.instances import Instance, SqlInstances
from tests.backends import on_each_backend

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def instance(name: str, role: str = "worker", seen: timedelta = timedelta()) -> Instance:
    return Instance(name, role, "host-" + name, 4242, role == "run", NOW - timedelta(hours=1), NOW - seen)


@on_each_backend
async def test_beats_are_listed_then_forgotten_or_removed(database: Database) -> None:
    instances = SqlInstances(database.sessions)
    assert await instances.all() == []

    await instances.beat(instance("a", "run"))
    await instances.beat(instance("b", seen=timedelta(minutes=5)))
    assert await instances.all() == [instance("a", "run"), instance("b", seen=timedelta(minutes=5))]

    # A beat moves seen_at only; a second beat of the same instance is no new row.
    later = replace(instance("b"), seen_at=NOW + timedelta(seconds=30), pid=1)
    await instances.beat(later)
    assert await instances.all() == [
        replace(instance("b"), seen_at=NOW + timedelta(seconds=30)),
        instance("a", "run"),
    ]

    assert await instances.forget_before(NOW) == 0
    assert await instances.forget_before(NOW + timedelta(seconds=1)) == 1
    assert [row.id for row in await instances.all()] == ["b"]

    await instances.remove("b")
    await instances.remove("never-was")
    assert await instances.all() == []
