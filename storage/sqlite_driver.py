"""SQLAlchemy's aiosqlite adapter, with as few trips to the connection's worker thread as SQLite allows.

aiosqlite runs each sqlite3 call on a worker thread; every call is a queue hand-off, a thread wake-up and
a fight for the GIL, and on a busy machine each costs far more than the statement itself (the stock
adapter makes four per SELECT and three per write). Here:

- Every transaction begins IMMEDIATE (storage.database), taking SQLite's write lock up front. When SQLite
  grants it at once, the BEGIN and every statement after it, up to the COMMIT or ROLLBACK, run on the
  event loop's own thread: under WAL (always on for a file) a writer holding the lock never waits for
  another, so each statement is microseconds of SQLite.
- When another process holds the lock, the BEGIN goes to the worker thread with the transaction's first
  statement and waits there under busy_timeout, so the loop keeps serving. Many-row statements
  (executemany) also run there, so a bulk insert does not stall the loop.
- A COMMIT or ROLLBACK with no transaction open (the pool "resets" every connection it gets back) costs
  nothing.

The statements, their order and their transactions are exactly those of the stock adapter.

Transactions of one process on one database file also queue on an asyncio lock before their BEGIN: SQLite
has a single writer, and a writer that finds the file locked polls it in growing sleeps (1 ms up to
100 ms), often long after the lock came free. Other processes are still waited for by busy_timeout.
"""

from __future__ import annotations

import asyncio
import collections
import os
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

from bot.tested_versions import require_tested

require_tested("sqlalchemy")
require_tested("aiosqlite")

_Outcome = tuple[Any, int, int | None, list[Any]]


class _WriteLocks:
    """One asyncio lock per database file and event loop."""

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, path: str) -> asyncio.Lock:
        locks = self._by_loop.setdefault(asyncio.get_running_loop(), {})
        lock = locks.get(path)
        if lock is None:
            lock = locks[path] = asyncio.Lock()
        return lock


_WRITE_LOCKS = _WriteLocks()


def _lock_path(database: object) -> str | None:
    """The file a connection opens, or None for an in-memory or URI database (not shared by path)."""
    if not isinstance(database, str | os.PathLike):
        return None
    name = os.fspath(database)
    if not isinstance(name, str) or name in ("", ":memory:") or name.startswith("file:"):
        return None
    return os.path.realpath(name)


def _run(
    connection: sqlite3.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
    many: bool,
    settled: Callable[[], None],
) -> _Outcome:
    """On the worker thread: the statement, its rows and its counters in one go."""
    try:
        return _run_statement(connection, begin, operation, parameters, many)
    finally:
        settled()


def _run_statement(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        # Read after fetching: for INSERT ... RETURNING sqlite3 counts the rows as they are fetched.
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor: the rows are fetched with the statement, so closing it costs nothing."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # no sqlite3 cursor outlives a statement
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        return None

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._execute_one_trip(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            return await_(self._execute_one_trip(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _execute_one_trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            begin, adapted.pending_begin = adapted.pending_begin, None
            if begin is not None:
                await adapted.take_write_lock()
                if not many and adapted.begin_inline(begin):
                    begin = None
            try:
                if begin is None and not many and adapted.holds_write_transaction():
                    outcome = _run_statement(connection._conn, None, operation, parameters, many)
                else:
                    adapted.unsettled += 1
                    outcome = await connection._execute(  # type: ignore[no-untyped-call]
                        _run, connection._conn, begin, operation, parameters, many, adapted.settle
                    )
            except BaseException:
                if not adapted.in_transaction():
                    adapted.release_write_lock()
                raise
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_held", "_lock_path", "lock_timeout", "pending_begin", "unsettled")

    _cursor_cls = OneTripCursor  # type: ignore[assignment]
    # Streaming (server-side) results are buffered too: SQLite has no server, and the pending BEGIN must
    # go out with whatever statement comes first.
    _ss_cursor_cls = OneTripCursor  # type: ignore[assignment]

    def __init__(
        self, dbapi: Any, connection: Any, lock_path: str | None = None, lock_timeout: float = 15.0
    ) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None
        # Trips handed to the worker thread and not finished there (a cancelled caller leaves one behind).
        self.unsettled = 0
        self.lock_timeout = lock_timeout
        self._lock_path = lock_path
        self._held: asyncio.Lock | None = None

    def begin_with_next_statement(self, begin: str) -> None:
        """Send `begin` (e.g. "BEGIN IMMEDIATE") in the same trip as the next statement; if a COMMIT or
        ROLLBACK comes first, the transaction was empty and neither is sent."""
        self.pending_begin = begin

    def settle(self) -> None:
        # Called on the worker thread; an int update under the GIL, read on the loop's thread.
        self.unsettled -= 1

    async def take_write_lock(self) -> None:
        if self._lock_path is None or self._held is not None:
            return
        lock = _WRITE_LOCKS.get(self._lock_path)
        try:
            # Not wait_for: it wraps the acquire in a task, which costs a turn of the loop on every
            # transaction even when the lock is free.
            async with asyncio.timeout(self.lock_timeout):
                await lock.acquire()
        except TimeoutError:
            # What SQLite itself says when busy_timeout runs out.
            raise sqlite3.OperationalError("database is locked") from None
        self._held = lock

    def begin_inline(self, begin: str) -> bool:
        """Open the transaction on the loop's own thread if SQLite grants the write lock at once; False
        when another process holds it (then the worker thread waits for it, under busy_timeout)."""
        raw = self._raw()
        if raw is None or self.unsettled:
            return False
        raw.execute("PRAGMA busy_timeout=0")
        try:
            raw.execute(begin)
        except sqlite3.OperationalError:
            return False  # SQLITE_BUSY: not ours to wait for on this thread
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
        return True

    def holds_write_transaction(self) -> bool:
        """Whether statements may run on the loop's own thread. Holding SQLite's write lock (every
        transaction here begins IMMEDIATE), nothing they do waits for a lock: under WAL readers never block
        a writer, and the checkpoint a COMMIT may run is the passive kind. So each is a few microseconds of
        SQLite, where a trip to the worker thread costs a queue hand-off, a thread wake-up and a fight for
        the GIL. Many-row statements still go to the thread, so a bulk insert does not stall the loop."""
        raw = self._raw()
        return raw is not None and not self.unsettled and raw.in_transaction

    def _raw(self) -> sqlite3.Connection | None:
        raw: sqlite3.Connection | None = self._connection._connection
        return raw

    def release_write_lock(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.release()

    def in_transaction(self) -> bool:
        """Whether SQLite has a transaction open. Safe to read from the loop's thread once no trip is
        unsettled: a checked-out connection runs one call at a time."""
        if self.unsettled:
            return True  # a statement may still be opening one: let COMMIT or ROLLBACK queue behind it
        raw = self._raw()
        return raw is not None and raw.in_transaction

    def _ends_transaction(self) -> bool:
        # A BEGIN still pending means an empty transaction: there is nothing to commit or roll back.
        self.pending_begin = None
        return self.in_transaction()

    def rollback(self) -> None:
        self._end_transaction("rollback")

    def commit(self) -> None:
        self._end_transaction("commit")

    def _end_transaction(self, how: str) -> None:
        """COMMIT or ROLLBACK: no trip when no transaction is open, on the loop's thread when this
        connection holds the write lock, else through the stock adapter (the worker thread)."""
        try:
            if not self._ends_transaction():
                return
            raw = self._raw()
            if raw is not None and self.holds_write_transaction():
                try:
                    getattr(raw, how)()
                except Exception as error:
                    self._handle_exception(error)
            else:
                getattr(super(), how)()
        finally:
            self.release_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_write_lock()

    def terminate(self) -> None:
        try:
            super().terminate()
        finally:
            self.release_write_lock()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as `module=` to create_async_engine for a `sqlite+aiosqlite` URL."""

    def __init__(self, *, write_lock_timeout: float = 15.0) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.write_lock_timeout = write_lock_timeout

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        database = arg[0] if arg else kw.get("database")
        lock_path = None if kw.get("uri") else _lock_path(database)
        # Statements of a write transaction run on the loop's thread (holds_write_transaction), the rest
        # on aiosqlite's: never both at once, as each call is awaited before the next.
        kw["check_same_thread"] = False
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection, lock_path, self.write_lock_timeout)


def dbapi(*, write_lock_timeout: float = 15.0) -> OneTripDBAPI:
    """`write_lock_timeout`: how long a transaction waits for another of this process on the same file
    before failing as SQLite does ("database is locked"); match it to busy_timeout."""
    return OneTripDBAPI(write_lock_timeout=write_lock_timeout)
