"""Retirees from the roster, keyed by the keyed hash of their ID number.

A roster file is imported set-based (bot.ports.RetireeRepository.stage): a chunk of rows at a time goes
into a temporary staging table (PostgreSQL: COPY; SQLite: one executemany) and is applied in two
statements, an UPDATE ... FROM for the rows that differ and an INSERT ... SELECT for the new ones; the line
and ID hash of every row are kept in a second temporary table, where ID numbers found twice are looked for
at the end. Nothing of the file is held in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateTable

from bot.domain.claims import ReportStatus
from bot.domain.people import Retiree, RetireeRecord, StagedRetiree, UpsertCounts
from storage.errors import UnknownUnitCode
from storage.models import ClaimRow, OrgUnitRow, RetireeRow, utcnow
from storage.repositories._sql import dialect_of, driver_connection, insert_for, table_of
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
# Held only for the transaction (PostgreSQL drops them at commit, staged_duplicates on both), and never
# part of the schema the migrations build: the rows staged since the last apply_staged, and the line and
# ID hash of every row staged.
_STAGING = Table(
    "retiree_staging",
    MetaData(),
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
_STAGED_IDS = Table(
    "retiree_staged_ids",
    MetaData(),
    Column("line", Integer, nullable=False),
    Column("id_hash", String(64), nullable=False),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
_STAGING_COLUMNS = tuple(column.name for column in _STAGING.columns)
_ID_COLUMNS = ("line", "id_hash")


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
        death_reported=row.death_reported_at is not None,
    )


def _staged_values(record: RetireeRecord) -> tuple[Any, ...]:
    return (
        record.id_hash,
        record.name,
        record.id_masked,
        record.birth_date,
        record.retirement_date,
        record.community_code,
        record.phone,
        record.lives_elsewhere,
        record.deceased,
    )


def _source(*, distinct: bool = False) -> Any:
    """The staged rows as the retirees table's columns: the community code turned into its unit's id.
    `distinct`: one row per ID hash (an ID number twice in a chunk is an error the caller reports; an
    INSERT ... ON CONFLICT DO UPDATE would fail on it first)."""
    rows = select(
        _STAGING.c.id_hash,
        *(_STAGING.c[name] for name in _FIELDS if name != "community_id"),
        _UNITS.c.id.label("community_id"),
    ).join(_UNITS, _UNITS.c.code == _STAGING.c.community_code)
    if distinct:
        rows = rows.ext(postgresql.distinct_on(_STAGING.c.id_hash)).order_by(_STAGING.c.id_hash)
    return rows.subquery("staged")


class SqlRetireeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._staging = False  # whether this unit of work made the staging tables
        self._pending = 0  # rows staged since the last apply_staged

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
        if row.deceased and not record.deceased and await self._death_confirmed(row.id):
            # Staff saw the certificate: a roster made before the death does not bring anyone back.
            wanted["deceased"] = True
        changed = False
        for attribute, value in wanted.items():
            # Assign only real changes, so that updated_at moves only when something did.
            if getattr(row, attribute) != value:
                setattr(row, attribute, value)
                changed = True
        if changed:
            await self._session.flush()
        return changed

    async def _death_confirmed(self, retiree_id: int) -> bool:
        found = await self._session.scalar(
            select(ClaimRow.id).where(
                ClaimRow.retiree_id == retiree_id, ClaimRow.report_status == ReportStatus.CONFIRMED.value
            )
        )
        return found is not None

    async def count(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(RetireeRow)) or 0

    async def set_death_reported(self, retiree_id: int, at: datetime | None) -> None:
        await self._set(retiree_id, death_reported_at=at)

    async def mark_deceased(self, retiree_id: int) -> None:
        await self._set(retiree_id, deceased=True)

    async def _set(self, retiree_id: int, **values: object) -> None:
        await self._session.execute(
            update(RetireeRow)
            .where(RetireeRow.id == retiree_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    # --- a roster file, set-based -----------------------------------------------------------------------

    async def _tables(self) -> None:
        # A staging left by an import on a connection kept open (SQLite keeps temporary tables till then).
        for table in (_STAGING, _STAGED_IDS):
            await self._session.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            await self._session.execute(CreateTable(table))
        self._staging = True

    async def stage(self, rows: Sequence[StagedRetiree]) -> None:
        if not rows:
            return
        if not self._staging:
            await self._tables()
        ids = [(row.line, row.id_hash) for row in rows]
        records = [_staged_values(row.record) for row in rows if row.record is not None]
        if dialect_of(self._session) == "postgresql":
            driver = await driver_connection(self._session)
            await driver.copy_records_to_table(_STAGED_IDS.name, records=ids, columns=_ID_COLUMNS)
            if records:
                await driver.copy_records_to_table(_STAGING.name, records=records, columns=_STAGING_COLUMNS)
        else:
            # One executemany each: one trip to the connection's worker thread for the whole chunk.
            await self._session.execute(
                _STAGED_IDS.insert(), [{"line": line, "id_hash": id_hash} for line, id_hash in ids]
            )
            if records:
                await self._session.execute(
                    _STAGING.insert(), [dict(zip(_STAGING_COLUMNS, row, strict=True)) for row in records]
                )
        self._pending += len(records)

    async def apply_staged(self) -> UpsertCounts:
        if not self._pending:
            return UpsertCounts()
        staged, self._pending = self._pending, 0
        now = bindparam("now", utcnow(), type_=UTCDateTime())
        if dialect_of(self._session) == "postgresql":
            created, updated = await self._upsert_staged(now)
            # A new relation file: what DELETE would leave behind, no vacuum visits in a temporary table.
            await self._session.execute(text(f"TRUNCATE {_STAGING.name}"))
        else:
            created, updated = await self._update_then_insert_staged(now)
            await self._session.execute(_STAGING.delete())
        return UpsertCounts(created, updated, staged - created - updated)

    async def _upsert_staged(self, now: Any) -> tuple[int, int]:
        """PostgreSQL: one INSERT ... ON CONFLICT DO UPDATE, each row finding its own in the id_hash index
        (a join would have the planner scan the whole roster for every chunk once it is large). A row
        written is new when it has no xmax, updated otherwise; an unchanged one is not written at all."""
        source = _source(distinct=True)
        statement = postgresql.insert(_RETIREES).from_select(
            ["id_hash", *_FIELDS, "created_at", "updated_at"],
            select(source.c.id_hash, *(source.c[name] for name in _FIELDS), now, now),
        )
        excluded = statement.excluded
        written = (
            statement.on_conflict_do_update(
                index_elements=["id_hash"],
                set_={**{name: excluded[name] for name in _FIELDS}, "updated_at": excluded.updated_at},
                where=or_(*(_RETIREES.c[name].is_distinct_from(excluded[name]) for name in _FIELDS)),
            )
            .returning((literal_column("xmax") == text("'0'::xid")).label("created"))
            .cte("written")
        )
        created = func.count().filter(written.c.created)
        row = (await self._session.execute(select(created, func.count()).select_from(written))).one()
        return int(row[0]), int(row[1]) - int(row[0])

    async def _update_then_insert_staged(self, now: Any) -> tuple[int, int]:
        """SQLite: an UPDATE ... FROM of the rows that differ, then an INSERT ... SELECT of the new ones
        (the planner looks each staged row up in the id_hash index)."""
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
        # An ID hash twice among the rows is written once: staged_duplicates reports it, and the caller
        # does not commit.
        created = await self._session.execute(
            insert_for(self._session, _RETIREES)
            .from_select(["id_hash", *_FIELDS, "created_at", "updated_at"], new)
            .on_conflict_do_nothing(index_elements=["id_hash"])
        )
        return int(created.rowcount), int(updated.rowcount)  # type: ignore[attr-defined]

    async def staged_duplicates(self) -> Sequence[tuple[int, int]]:
        if not self._staging:
            return []
        if dialect_of(self._session) == "postgresql":
            # Nothing analyses a temporary table by itself; and a million hashes group in memory.
            await self._session.execute(text(f"ANALYZE {_STAGED_IDS.name}"))
            await self._session.execute(text("SET LOCAL work_mem = '64MB'"))
        ids = _STAGED_IDS
        twice = select(ids.c.id_hash).group_by(ids.c.id_hash).having(func.count() > 1).subquery()
        first = func.min(ids.c.line).over(partition_by=ids.c.id_hash)
        lines = (
            select(ids.c.line, first.label("first")).join(twice, twice.c.id_hash == ids.c.id_hash).subquery()
        )
        rows = await self._session.execute(
            select(lines.c.line, lines.c.first).where(lines.c.line > lines.c.first).order_by(lines.c.line)
        )
        found = [(int(line), int(first)) for line, first in rows]
        for table in (_STAGING, _STAGED_IDS):
            await self._session.execute(text(f"DROP TABLE {table.name}"))
        self._staging, self._pending = False, 0
        return found
