"""Dialect helpers shared by the repositories."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, inspect
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


def table_of(mapped: type) -> Table:
    """A mapped class's table, for the Core statements of the most frequent reads.

    Most updates read a few single rows (the retiree, their community, their certification). A SELECT
    built on mapped classes costs more to run (compiled for entities, rows loaded through the ORM; see
    docs/performance.md) for plain values that the repositories turn into records anyway. On the tables
    it is plain Core, and the session still flushes what it holds pending before running it (SQLAlchemy
    autoflushes Core statements too), so the read sees the unit of work's own changes."""
    return cast(Table, inspect(mapped).local_table)


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, inside the session's transaction: run a statement
    through the session first, since the adapter opens the transaction with its first statement."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name
