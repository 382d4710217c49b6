"""Dialect helpers shared by the repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT supporting ON CONFLICT for the session's dialect (both SQLite and PostgreSQL have it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database: {dialect}")


def plain_columns(mapped: type) -> list[Any]:
    """Every column attribute of a mapped class. A SELECT of these reads plain rows (no ORM object to build
    and track, several times cheaper) and is still ORM-enabled, so the session flushes pending changes
    before it runs; a SELECT of the table's columns would not."""
    mapper: Any = inspect(mapped)
    return [getattr(mapped, attribute.key) for attribute in mapper.column_attrs]
