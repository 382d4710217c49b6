"""SQLite fixtures: a database file per test, a copy of one migrated once per session (much faster than
migrating every time)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrate import upgrade


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    # A plain event loop of its own: session-scoped async fixtures would tie every test to one loop.
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_path(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "db" / "test.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def sqlite_url(sqlite_path: Path) -> str:
    """URL of the test's database file, with the newest schema."""
    return f"sqlite+aiosqlite:///{sqlite_path}"


@pytest.fixture
def sqlite_empty_url(tmp_path: Path) -> str:
    """URL of a database file not made yet (no tables)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
async def sqlite_database(sqlite_url: str) -> AsyncIterator[Database]:
    async with Database.from_url(sqlite_url) as database:
        yield database
