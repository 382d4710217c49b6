"""Retirees from the roster, keyed by the keyed hash of their ID number.

A roster file is imported set-based (bot.ports.RetireeRepository.stage): its rows go into a temporary
staging table a chunk at a time (PostgreSQL: COPY; SQLite: one executemany), and are applied in two
statements, an UPDATE ... FROM for the rows that differ and an INSERT ... SELECT for the new ones. Nothing
of the file is held in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateTable

from bot.domain.records import Retiree, RetireeRecord, StagedRetiree, UpsertCounts
from storage.errors import UnknownUnitCode
from storage.models import OrgUnitRow, RetireeRow, utcnow
from storage.repositories._sql import dialect_of, driver_connection, table_of
from storage.types import UTCDateTime

# Most updates of a registered retiree look them up by id: prepared once, read as a plain row.
_RETIREES = table_of(RetireeRow)
_UNITS = table_of(OrgUnitRow)
_BY_ID = select(_RETIREES).where(_RETIREES.c.id == bindparam("retiree_id"))

# The columns a roster row sets, compared to tell an updated row from an unchanged one.
_FIELDS = (
    "name",
    "id_masked",
    "birth_date",
    "retirement_date",
    "community_id",
    "phone",
    "lives_elsewhere",
    "deceased",
)
# Held only for the transaction (PostgreSQL drops it at commit; apply_staged drops it on both), and never
# part of the schema the migrations build.
_STAGING = Table(
    "retiree_staging",
    MetaData(),
    Column("line", Integer, nullable=False),
    Column("id_hash", String(64), nullable=False),
    Column("name", String(100)),
    Column("id_masked", String(18)),
    Column("birth_date", Date),
    Column("retirement_date", Date),
    Column("community_code", String(32)),
    Column("phone", String(32)),
    Column("lives_elsewhere", Boolean),
    Column("deceased", Boolean),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
_STAGING_COLUMNS = tuple(column.name for column in _STAGING.columns)


def _record(row: RetireeRow | Any) -> Retiree:
    """From a mapped row or a result row of the same columns."""
    return Retiree(
        id=row.id,
        name=row.name,
        id_hash=row.id_hash,
        id_masked=row.id_masked,
        birth_date=row.birth_date,
        retirement_date=row.retirement_date,
        community_id=row.community_id,
        phone=row.phone,
        lives_elsewhere=row.lives_elsewhere,
        deceased=row.deceased,
    )


def _staged_values(row: StagedRetiree) -> tuple[Any, ...]:
    record = row.record
    if record is None:
        return (row.line, row.id_hash, None, None, None, None, None, None, None, None)
    return (
        row.line,
        row.id_hash,
        record.name,
        record.id_masked,
        record.birth_date,
        record.retirement_date,
        record.community_code,
        record.phone,
        record.lives_elsewhere,
        record.deceased,
    )


def _source() -> Any:
    """The staged rows as the retirees table's columns: the community code turned into its unit's id."""
    return (
        select(
            _STAGING.c.id_hash,
            *(_STAGING.c[name] for name in _FIELDS if name != "community_id"),
            _UNITS.c.id.label("community_id"),
        )
        .join(_UNITS, _UNITS.c.code == _STAGING.c.community_code)
        .subquery("staged")
    )


class SqlRetireeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._staged = 0  # rows staged since the staging table was made; 0: there is none yet

    async def get(self, retiree_id: int) -> Retiree | None:
        row = (await self._session.execute(_BY_ID, {"retiree_id": retiree_id})).first()
        return None if row is None else _record(row)

    async def find_by_id_hash(self, id_hash: str) -> Retiree | None:
        row = await self._session.scalar(select(RetireeRow).where(RetireeRow.id_hash == id_hash))
        return None if row is None else _record(row)

    async def upsert(self, record: RetireeRecord) -> bool:
        community_id = await self._session.scalar(
            select(OrgUnitRow.id).where(OrgUnitRow.code == record.community_code)
        )
        if community_id is None:
            raise UnknownUnitCode(record.community_code)
        wanted = {
            "name": record.name,
            "id_masked": record.id_masked,
            "birth_date": record.birth_date,
            "retirement_date": record.retirement_date,
            "community_id": community_id,
            "phone": record.phone,
            "lives_elsewhere": record.lives_elsewhere,
            "deceased": record.deceased,
        }
        row = await self._session.scalar(select(RetireeRow).where(RetireeRow.id_hash == record.id_hash))
        if row is None:
            self._session.add(RetireeRow(id_hash=record.id_hash, **wanted))
            await self._session.flush()
            return True
        changed = False
        for attribute, value in wanted.items():
            # Assign only real changes, so that updated_at moves only when something did.
            if getattr(row, attribute) != value:
                setattr(row, attribute, value)
                changed = True
        if changed:
            await self._session.flush()
        return changed

    async def count(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(RetireeRow)) or 0

    # --- a roster file, set-based -----------------------------------------------------------------------

    async def stage(self, rows: Sequence[StagedRetiree]) -> None:
        if not rows:
            return
        if not self._staged:
            # A table left by an import that failed before apply_staged, on a connection kept open.
            await self._session.execute(text(f"DROP TABLE IF EXISTS {_STAGING.name}"))
            await self._session.execute(CreateTable(_STAGING))
        values = [_staged_values(row) for row in rows]
        if dialect_of(self._session) == "postgresql":
            driver = await driver_connection(self._session)
            await driver.copy_records_to_table(_STAGING.name, records=values, columns=_STAGING_COLUMNS)
        else:
            # One executemany: one trip to the connection's worker thread for the whole chunk.
            parameters = [dict(zip(_STAGING_COLUMNS, row, strict=True)) for row in values]
            await self._session.execute(_STAGING.insert(), parameters)
        self._staged += len(rows)

    async def _analyse(self) -> None:
        if dialect_of(self._session) == "postgresql":
            # Nothing analyses a temporary table by itself: without it the planner guesses its size.
            await self._session.execute(text(f"ANALYZE {_STAGING.name}"))

    async def staged_duplicates(self) -> Sequence[tuple[int, int]]:
        if not self._staged:
            return []
        await self._analyse()
        twice = select(_STAGING.c.id_hash).group_by(_STAGING.c.id_hash).having(func.count() > 1).subquery()
        first = func.min(_STAGING.c.line).over(partition_by=_STAGING.c.id_hash)
        lines = (
            select(_STAGING.c.line, first.label("first"))
            .join(twice, twice.c.id_hash == _STAGING.c.id_hash)
            .subquery()
        )
        rows = await self._session.execute(
            select(lines.c.line, lines.c.first).where(lines.c.line > lines.c.first).order_by(lines.c.line)
        )
        return [(int(line), int(first)) for line, first in rows]

    async def apply_staged(self) -> UpsertCounts:
        if not self._staged:
            return UpsertCounts()
        staged, self._staged = self._staged, 0
        now = bindparam("now", utcnow(), type_=UTCDateTime())
        source = _source()
        changed = or_(*(_RETIREES.c[name].is_distinct_from(source.c[name]) for name in _FIELDS))
        updated = await self._session.execute(
            update(_RETIREES)
            .where(_RETIREES.c.id_hash == source.c.id_hash, changed)
            .values({**{name: source.c[name] for name in _FIELDS}, "updated_at": now})
        )
        new = select(source.c.id_hash, *(source.c[name] for name in _FIELDS), now, now).where(
            ~exists().where(_RETIREES.c.id_hash == source.c.id_hash)
        )
        created = await self._session.execute(
            _RETIREES.insert().from_select(["id_hash", *_FIELDS, "created_at", "updated_at"], new)
        )
        await self._session.execute(text(f"DROP TABLE {_STAGING.name}"))
        counts = _rowcount(created), _rowcount(updated)
        return UpsertCounts(counts[0], counts[1], staged - counts[0] - counts[1])


def _rowcount(result: Any) -> int:
    return int(result.rowcount)
