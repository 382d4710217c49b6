from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.database import create_engine_from_url
from storage.migrate import current, downgrade, head_revision, upgrade
from storage.models import Base

pytestmark = pytest.mark.postgres


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _schema_diff(connection: Connection) -> list[object]:
    return list(
        compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    )


async def test_upgrade_downgrade_upgrade(pg_empty_url: str) -> None:
    engine = create_engine_from_url(pg_empty_url)
    try:
        assert await current(pg_empty_url) is None
        await upgrade(pg_empty_url)
        assert await current(pg_empty_url) == head_revision()
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(Base.metadata.tables)
        await downgrade(pg_empty_url)
        assert await current(pg_empty_url) is None
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
        await upgrade(pg_empty_url)
        async with engine.connect() as connection:
            assert await connection.run_sync(_schema_diff) == []
    finally:
        await engine.dispose()


async def test_plain_postgresql_urls_work(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    assert await current(plain) == head_revision()
