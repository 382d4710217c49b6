"""PostgreSQL fixtures: a throwaway database per test, created on the server and dropped after.

Several developers (and CI jobs) share one server, so nothing here touches an existing database's tables.
Each test's database is a copy of one migrated once per session: CREATE DATABASE ... TEMPLATE takes a
fraction of what migrating a new database takes. With no server answering, the tests skip locally, but fail
when CI=true: CI must really run them.

A test that uses these is marked `postgres` (`pytest.mark.postgres`, or through tests/backends.py), so that
`-m "not postgres"` leaves it out.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import NoReturn

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.migrate import upgrade

ADMIN_URL = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CONNECT_TIMEOUT_S = 5

_server_problem: list[str] = []  # filled once: later tests need not wait for the timeout again


def url_of(name: str) -> str:
    """The URL of database `name` on the test server."""
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _unavailable(reason: str) -> NoReturn:
    message = f"PostgreSQL not reachable at {make_url(ADMIN_URL).render_as_string()}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


async def admin_connection() -> asyncpg.Connection:
    """A connection to the server's `test` database, to create and drop others (skips, or fails in CI,
    when no server answers)."""
    if _server_problem:
        _unavailable(_server_problem[0])
    dsn = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        _server_problem.append(f"{type(exc).__name__}: {exc}")
        _unavailable(_server_problem[0])


@asynccontextmanager
async def throwaway_database_url(template: str | None = None) -> AsyncIterator[str]:
    """URL of a new database, dropped on leaving: empty, or a copy of database `template`."""
    admin = await admin_connection()
    name = f"rb_test_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        yield url_of(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def throwaway_database() -> AsyncIterator[Database]:
    """A new database migrated here, dropped on leaving: for a test that makes its database itself rather
    than through a fixture."""
    async with throwaway_database_url() as url:
        await upgrade(url)
        async with Database.from_url(url) as database:
            yield database


async def drop_database(url: str) -> None:
    """Drop the database at `url` now, cutting off whoever is connected to it."""
    admin = await admin_connection()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await admin.close()


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


async def _migrated_template(name: str) -> None:
    admin = await admin_connection()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            await upgrade(url_of(name))
        except BaseException:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            raise
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Name of a database migrated once per session, for each test's database to be a copy of. Nothing may
    stay connected to it: the server copies a database only while nobody uses it."""
    name = f"rb_template_{secrets.token_hex(6)}"
    # A plain event loop of its own: session-scoped async fixtures would tie every test to one loop.
    asyncio.run(_migrated_template(name))
    yield name
    asyncio.run(drop_database(url_of(name)))


@pytest.fixture
async def postgres_server() -> str:
    """The admin URL, once the server answers: for code that makes databases of its own (benchmarks)."""
    await (await admin_connection()).close()
    return ADMIN_URL


@pytest.fixture
async def postgres_empty_url() -> AsyncIterator[str]:
    """URL of a new, empty database (no tables)."""
    async with throwaway_database_url() as url:
        yield url


@pytest.fixture
async def postgres_url(postgres_template: str) -> AsyncIterator[str]:
    """URL of a new database with the newest schema."""
    async with throwaway_database_url(template=postgres_template) as url:
        yield url


@pytest.fixture
async def postgres_database(postgres_url: str) -> AsyncIterator[Database]:
    async with Database.from_url(postgres_url) as database:
        yield database
