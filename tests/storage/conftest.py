"""The storage tests' sample data: an org-unit tree, and a count of transactions queued for SQLite's write
lock. Each test's database itself: tests/backends.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.people import UnitKind
from storage.database import Database
from storage.sqlite_driver import OneTripConnection

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ID_HASH_KEY = b"test-id-hash-key"


@pytest.fixture
async def tree(database: Database) -> dict[str, int]:
    """City C > district D > street S > communities A and B; a second district E. Ids by code."""
    async with database.uow() as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        await uow.units.upsert("D", "District", UnitKind.DISTRICT, "C")
        await uow.units.upsert("S", "Street", UnitKind.STREET, "D")
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "S")
        await uow.units.upsert("B", "Community B", UnitKind.COMMUNITY, "S")
        await uow.units.upsert("E", "District E", UnitKind.DISTRICT, "C")
        await uow.commit()
        ids = {}
        for code in "CDSABE":
            unit = await uow.units.get_by_code(code)
            assert unit is not None
            ids[code] = unit.id
        return ids


@dataclass
class WriteLockQueue:
    waiting: int = 0


@pytest.fixture
def write_lock_queue(monkeypatch: pytest.MonkeyPatch) -> WriteLockQueue:
    """How many transactions of this process are queued behind another's hold on the database file right
    now: what a test waits for before letting the holder go, to be sure the others really had to queue."""
    queue = WriteLockQueue()
    take = OneTripConnection.take_write_lock

    async def counting(self: OneTripConnection) -> None:
        # A free lock is taken without yielding to the loop, so only a transaction that really waits is
        # ever seen counted.
        queue.waiting += 1
        try:
            await take(self)
        finally:
            queue.waiting -= 1

    monkeypatch.setattr(OneTripConnection, "take_write_lock", counting)
    return queue
