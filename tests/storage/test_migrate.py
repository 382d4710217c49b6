"""The Alembic migrations: down and up again on each backend, ending where the models say."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.database import Database, create_engine_from_url
from storage.migrate import MIGRATIONS_DIR, current, downgrade, head_revision, revisions, upgrade
from storage.models import Base
from storage.schema import HEAD_REVISION, schema_revision
from tests.backends import on_each_backend


def _schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_the_expected_revision_is_the_newest_migration_and_read_without_alembic(tmp_path: Path) -> None:
    assert head_revision() == HEAD_REVISION
    assert revisions()[0] == HEAD_REVISION
    assert revisions()[-1] == "0001_initial"
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    async with Database.from_url(url) as database:
        assert await schema_revision(database) is None
        await upgrade(url)
        assert await schema_revision(database) == HEAD_REVISION
        await downgrade(url, "0003_questions")
        assert await schema_revision(database) == "0003_questions"


@on_each_backend
async def test_upgrade_down_and_up_again(empty_database_url: str) -> None:
    url = empty_database_url
    assert await current(url) is None
    await upgrade(url)
    assert await current(url) == head_revision()
    engine = create_engine_from_url(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(Base.metadata.tables)
        await downgrade(url)
        assert await current(url) is None
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await upgrade(url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_schema_diff) == []
    finally:
        await engine.dispose()


@on_each_backend
async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine_from_url(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_schema_diff) == []
    finally:
        await engine.dispose()


async def test_schema_check_notices_a_difference(tmp_path: Path) -> None:
    """The comparison above can fail: an unmigrated database differs from the models."""
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        async with engine.connect() as connection:
            assert len(await connection.run_sync(_schema_diff)) >= len(Base.metadata.tables)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_plain_postgresql_urls_work(postgres_url: str) -> None:
    plain = postgres_url.replace("postgresql+asyncpg://", "postgresql://")
    assert await current(plain) == head_revision()


def test_migrations_ship_as_package_data() -> None:
    """setuptools only packs folders with an __init__.py (plus the package-data patterns)."""
    assert (MIGRATIONS_DIR / "__init__.py").is_file()
    assert (MIGRATIONS_DIR / "versions" / "__init__.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
