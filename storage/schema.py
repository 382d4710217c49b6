"""The schema revision this code expects, and the one a database is at, read without Alembic.

`run` and `worker` check it at start. Loading Alembic to ask (its script directory, Mako, Pygments) costs a
process memory that it keeps for good (docs/performance.md), and a worker that only sends has no other use
for it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from storage.database import Database

# The newest revision in storage/migrations/versions; tests/storage/test_migrate.py holds the two together.
HEAD_REVISION = "0010_sender_status"


async def schema_revision(database: Database) -> str | None:
    """The revision Alembic recorded in the database, or None when it was never migrated."""
    async with database.engine.connect() as connection:
        try:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except (OperationalError, ProgrammingError):
            return None  # no version table yet
        revision: str | None = result.scalar()
        return revision
