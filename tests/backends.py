"""The database a test runs on: SQLite, unless the test asks to run on each backend in turn.

    @on_each_backend
    async def test_something(database: Database) -> None: ...

runs once on SQLite and once on PostgreSQL, the second marked `postgres` (skipped locally when no server
answers, required in CI). What is built on `database` (the `tree` and `people` fixtures, say) follows it, and
so do `database_url` and `empty_database_url`. A fixture with backends of its own (tests/storage/repositories'
`uow_factory`) takes each database with `database_on`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import cast

import pytest

from storage.database import Database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

on_each_backend = pytest.mark.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """SQLite, the quick one; `on_each_backend` parametrizes this fixture away."""
    return "sqlite"


def database_on(request: pytest.FixtureRequest, backend: str) -> Database:
    """The test's database on `backend` (tests/sqlite_support.py, tests/postgres_support.py)."""
    return cast(Database, request.getfixturevalue(f"{backend}_database"))


@pytest.fixture
def database(request: pytest.FixtureRequest, backend: str) -> Database:
    """A database of the test's own, with the newest schema."""
    return database_on(request, backend)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str) -> str:
    """The URL of `database`."""
    return str(request.getfixturevalue(f"{backend}_url"))


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, backend: str) -> str:
    """URL of a database of the test's own with no tables yet, to migrate."""
    return str(request.getfixturevalue(f"{backend}_empty_url"))


@asynccontextmanager
async def one_database_per_worker(url: str, count: int) -> AsyncIterator[list[Database]]:
    """`count` engines on the database at `url`: each worker with connections of its own, as separate
    processes would have."""
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(Database.from_url(url)) for _ in range(count)]
