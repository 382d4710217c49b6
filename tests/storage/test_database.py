from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from storage.database import Database, create_engine_from_url, normalise_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@127.0.0.1/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
        ("sqlite:///data/x.sqlite3", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/x.sqlite3", "sqlite+aiosqlite"),
    ],
)
def test_urls_get_an_async_driver(given: str, driver: str) -> None:
    url = normalise_url(given)
    assert url.drivername == driver
    assert url.database == make_url(given).database


async def test_sqlite_file_gets_its_folder_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "db.sqlite3"
    engine = create_engine_from_url(f"sqlite:///{path}")
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await engine.dispose()
    assert path.is_file()


async def test_foreign_keys_can_be_switched_off_for_migrations(tmp_path: Path) -> None:
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}", foreign_keys=False)
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 0
    finally:
        await engine.dispose()


async def test_in_memory_sqlite_needs_no_folder() -> None:
    engine = create_engine_from_url("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(IntegrityError):
            await session.execute(
                text("INSERT INTO login_attempts (account_id, at) VALUES (999, '2025-01-01 00:00:00')")
            )


async def test_database_closes_as_a_context_manager(sqlite_url: str) -> None:
    async with Database.from_url(sqlite_url) as db, db.uow() as uow:
        assert await uow.retirees.count() == 0


async def test_a_failed_statement_does_not_carry_its_values_into_logs() -> None:
    engine = create_engine_from_url("sqlite+aiosqlite://")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE person (phone TEXT NOT NULL)")
            with pytest.raises(IntegrityError) as failed:
                await connection.execute(
                    text("INSERT INTO person VALUES (:phone), (NULL)"), {"phone": "13800138000"}
                )
    finally:
        await engine.dispose()
    assert "13800138000" not in str(failed.value)
    assert "hidden due to hide_parameters" in str(failed.value)


async def test_ping_reaches_the_database_or_raises(tmp_path: Path) -> None:
    async with Database.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        await database.ping()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with Database.from_url(f"postgresql://nobody@127.0.0.1:{closed}/nothing") as unreachable:
        with pytest.raises(ConnectionRefusedError):
            await unreachable.ping()
