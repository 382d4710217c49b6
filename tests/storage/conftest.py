"""SQLite fixtures: a fresh database file per test, built by the real migrations."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.people import UnitKind
from storage.database import Database
from storage.migrate import upgrade
from storage.sqlite_driver import OneTripConnection

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ID_HASH_KEY = b"test-id-hash-key"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per session; each test copies the file (much faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    # A plain event loop of its own: session-scoped async fixtures would tie every test to one loop.
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_path(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "db" / "test.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def sqlite_url(sqlite_path: Path) -> str:
    return f"sqlite+aiosqlite:///{sqlite_path}"


@pytest.fixture
async def database(sqlite_url: str) -> AsyncIterator[Database]:
    db = Database.from_url(sqlite_url)
    try:
        yield db
    finally:
        await db.dispose()


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
