"""Engine and session factory from a database URL: SQLite (aiosqlite) or PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_driver
from storage.uow import SqlUnitOfWork

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str | URL) -> URL:
    """Pick the async driver when the URL names none (`postgresql://`, `sqlite://`)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed


def create_engine_from_url(url: str | URL, *, foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """An AsyncEngine; for a SQLite file, its folder is created and WAL plus foreign keys switched on.

    Migrations pass `foreign_keys=False`: Alembic's batch mode recreates SQLite tables, which enforced foreign
    keys would turn into cascading deletes or failures.
    """
    parsed = normalise_url(url)
    # A failed statement's error (and so a logged traceback) would otherwise carry its values: names,
    # phone numbers, what people typed.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, pool_pre_ping=True, **kwargs)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if parsed.drivername == "sqlite+aiosqlite":
        kwargs.setdefault("module", sqlite_driver.dbapi(write_lock_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000))
    if not in_memory:
        # The connection used last is handed out again: SQLite keeps a page cache per connection, and a
        # connection that sees another one's commits drops it.
        kwargs.setdefault("pool_use_lifo", True)
    engine = create_async_engine(parsed, **kwargs)
    _configure_sqlite(engine, wal=not in_memory, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, wal: bool, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            # Under WAL, NORMAL syncs at checkpoints instead of at every commit: the file stays consistent
            # after a power cut, which may only lose the last commits (SQLite's recommended WAL setting).
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Every unit of work writes (it claims the update id first). Taking the write lock up front makes a
        # second writer wait on busy_timeout instead of failing at once with "database is locked" when two
        # deferred transactions both try to upgrade their read locks.
        dbapi_connection = connection.connection.dbapi_connection
        if isinstance(dbapi_connection, sqlite_driver.OneTripConnection):
            dbapi_connection.begin_with_next_statement("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus its session factory; `uow()` opens one unit of work (one transaction)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def from_url(cls, url: str | URL, **engine_kwargs: Any) -> Database:
        return cls(create_engine_from_url(url, **engine_kwargs))

    def session(self) -> AsyncSession:
        return self.sessions()

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    async def ping(self) -> None:
        """One round trip to the database (`SELECT 1`); raises what the driver raises when it cannot. Callers
        bound the wait: a server that drops packets is only noticed by the driver's own long timeout."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.dispose()
