"""The aiosqlite adapter: same results as the stock adapter; a transaction that gets SQLite's write lock at
once runs on the loop's thread, and only waiting for another process's lock (or a many-row statement) goes
to the worker thread, in one trip."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.database import Database
from storage.sqlite_driver import OneTripConnection, dbapi
from tests.storage.conftest import WriteLockQueue
from tests.waiting import wait_until


class Trips(list[str]):
    """The name of every function sent to an aiosqlite worker thread; `sent` is set at each one."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = asyncio.Event()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Trips:
    sent = Trips()
    original: Any = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        sent.sent.set()
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return sent


async def _warm(database: Database) -> None:
    """Open the pooled connection, so that connecting does not count."""
    async with database.session() as session:
        await session.execute(text("SELECT 1"))


async def test_a_select_runs_on_the_loops_thread_and_returns_its_rows(
    database: Database, trips: Trips
) -> None:
    await _warm(database)
    async with database.engine.connect() as connection:
        trips.clear()
        result = await connection.execute(text("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'"))
        assert trips == []
        assert list(result.keys()) == ["a", "b"]
        assert [tuple(row) for row in result] == [(1, "x"), (2, "y")]


async def test_a_many_row_statement_goes_to_the_worker_thread(database: Database, trips: Trips) -> None:
    await _warm(database)
    trips.clear()
    async with database.uow() as uow:
        rows = [{"u": u, "p": datetime.now(UTC)} for u in range(1, 4)]
        await uow.session.execute(
            text("INSERT INTO processed_updates (update_id, processed_at) VALUES (:u, :p)"), rows
        )
        await uow.commit()
    assert trips == ["_run"]


async def test_counters_of_writes(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert inserted.rowcount == 1
        assert inserted.lastrowid == 1
        many = await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        assert many.rowcount == 2
        updated = await connection.execute(text("UPDATE t SET v = 'z' WHERE id > 1"))
        assert updated.rowcount == 2
        returned = await connection.execute(text("INSERT INTO t (v) VALUES ('d') RETURNING id, v"))
        assert [tuple(row) for row in returned] == [(4, "d")]


async def test_a_free_write_lock_is_taken_on_the_loops_thread(database: Database, trips: Trips) -> None:
    await _warm(database)
    trips.clear()
    async with database.uow() as uow:
        assert await uow.updates.claim(1, datetime.now(UTC))
        raw = await (await uow.session.connection()).get_raw_connection()
        adapted = raw.dbapi_connection
        assert isinstance(adapted, OneTripConnection)
        # The write lock is held from the first statement on, as BEGIN IMMEDIATE promises.
        assert adapted._connection._connection.in_transaction
        await uow.commit()
    assert trips == []


async def test_another_process_lock_is_waited_for_off_the_loop(
    database: Database, sqlite_path: Path, trips: Trips
) -> None:
    await _warm(database)
    other = sqlite3.connect(sqlite_path, isolation_level=None)  # stands in for another process
    other.execute("BEGIN IMMEDIATE")
    trips.clear()

    async def claim() -> None:
        async with database.uow() as uow:
            assert await uow.updates.claim(1, datetime.now(UTC))
            await uow.commit()

    waiting = asyncio.create_task(claim())
    # The BEGIN went to the worker thread, and this task runs on: the loop is free while it waits there.
    await wait_until(lambda: bool(trips))
    assert not waiting.done()
    other.execute("COMMIT")
    other.close()
    await waiting
    # BEGIN and the claim in one trip; the rest of the transaction ran on the loop's thread.
    assert trips == ["_run"]


async def test_an_empty_transaction_costs_no_trip(database: Database, trips: Trips) -> None:
    await _warm(database)
    trips.clear()
    async with database.uow() as uow:
        await uow.session.connection()
        await uow.commit()
    async with database.uow() as uow:
        await uow.session.connection()
    assert trips == []


async def test_a_rollback_undoes_the_transaction(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.updates.claim(7, datetime.now(UTC))
        await uow.rollback()
        assert await uow.updates.claim(7, datetime.now(UTC))
    async with database.uow() as uow:
        assert await uow.updates.claim(7, datetime.now(UTC))


async def test_a_failed_statement_raises_the_usual_error(database: Database) -> None:
    async with database.engine.connect() as connection:
        with pytest.raises(OperationalError):
            await connection.execute(text("SELECT * FROM no_such_table"))
        assert (await connection.execute(text("SELECT 2"))).scalar() == 2


async def test_transactions_of_one_process_queue_for_the_file(
    database: Database, write_lock_queue: WriteLockQueue
) -> None:
    order: list[str] = []
    first_holds = asyncio.Event()

    async def first() -> None:
        async with database.uow() as uow:
            await uow.updates.claim(1, datetime.now(UTC))
            first_holds.set()
            await wait_until(lambda: write_lock_queue.waiting == 1)
            order.append("first commits")
            await uow.commit()

    async def second() -> None:
        await first_holds.wait()
        async with database.uow() as uow:
            await uow.updates.claim(2, datetime.now(UTC))
            order.append("second claimed")
            await uow.commit()

    await asyncio.gather(first(), second())
    assert order == ["first commits", "second claimed"]


async def test_waiting_too_long_for_the_file_fails_like_sqlite(sqlite_url: str) -> None:
    async with Database.from_url(sqlite_url, module=dbapi(write_lock_timeout=0.05)) as database:
        async with database.uow() as holder:
            await holder.updates.claim(1, datetime.now(UTC))
            with pytest.raises(OperationalError, match="database is locked"):
                async with database.uow() as waiter:
                    await waiter.updates.claim(2, datetime.now(UTC))
            await holder.commit()
        async with database.uow() as after:
            assert await after.updates.claim(2, datetime.now(UTC))


async def test_a_cancelled_statement_leaves_the_pool_usable(database: Database, trips: Trips) -> None:
    await _warm(database)
    trips.clear()
    trips.sent.clear()

    async def slow() -> None:
        async with database.uow() as uow:
            # A many-row statement: it runs on the worker thread, where a caller can leave it behind.
            rows = [{"u": u, "p": "2026-01-01"} for u in range(100, 300_000)]
            await uow.session.execute(
                text("INSERT INTO processed_updates (update_id, processed_at) VALUES (:u, :p)"), rows
            )

    task = asyncio.create_task(slow())
    await asyncio.wait_for(trips.sent.wait(), 10)
    assert trips == ["_run"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for update_id in (10, 11):
        async with database.uow() as uow:
            assert await uow.updates.claim(update_id, datetime.now(UTC))
            await uow.commit()
