"""PostgreSQL fixtures: a throwaway database per test, created from the `test` database and dropped after.

Several developers (and CI jobs) share one server, so nothing here touches an existing database's tables. With
no server answering, the tests skip locally, but fail when CI=true: CI must really run them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from typing import NoReturn

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Base

ADMIN_URL = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CONNECT_TIMEOUT_S = 5

_server_problem: list[str] = []  # filled once: later tests need not wait for the timeout again


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin_connection() -> asyncpg.Connection:
    if _server_problem:
        _unavailable(_server_problem[0])
    try:
        return await asyncpg.connect(_dsn(ADMIN_URL), timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        _server_problem.append(f"{type(exc).__name__}: {exc}")
        _unavailable(_server_problem[0])


def _unavailable(reason: str) -> NoReturn:
    message = f"PostgreSQL not reachable at {make_url(ADMIN_URL).render_as_string()}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def pg_empty_url() -> AsyncIterator[str]:
    """URL of a new, empty database (no tables)."""
    admin = await _admin_connection()
    name = f"rb_test_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def pg_url(pg_empty_url: str) -> str:
    """URL of a new database migrated to the newest schema."""
    await upgrade(pg_empty_url)
    return pg_empty_url


@pytest.fixture
async def pg_database(pg_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(pg_url)
    try:
        yield database
    finally:
        await database.dispose()


async def lock_waiters(database: Database) -> int:
    """How many sessions on this database are waiting, right now, for a lock another one holds: what a
    lock holder waits for before letting go, to be sure the others really met its lock."""
    async with database.engine.connect() as connection:
        waiting = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return int(waiting or 0)


async def wiped(database: Database) -> Database:
    """The database emptied (schema kept): a fresh migrated server database costs over a second."""
    async with database.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())
        await session.commit()
    return database
