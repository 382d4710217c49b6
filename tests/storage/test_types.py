from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from storage.database import Database
from storage.models import ProcessedUpdateRow


async def test_an_aware_time_comes_back_aware_and_in_utc(database: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    written = datetime(2025, 3, 5, 9, 30, 15, 123456, tzinfo=shanghai)
    async with database.session() as session:
        session.add(ProcessedUpdateRow(update_id=1, processed_at=written))
        await session.commit()
    async with database.session() as session:
        read = await session.scalar(select(ProcessedUpdateRow.processed_at))
    assert read == written
    assert read is not None
    assert read.tzinfo is UTC
    assert read.hour == 1


async def test_a_naive_time_is_refused(database: Database) -> None:
    async with database.session() as session:
        session.add(ProcessedUpdateRow(update_id=1, processed_at=datetime(2025, 3, 5)))  # noqa: DTZ001
        with pytest.raises(StatementError, match="naive datetime"):
            await session.flush()


async def test_comparisons_across_offsets_use_the_instant(database: Database) -> None:
    base = datetime(2025, 3, 5, 12, tzinfo=UTC)
    async with database.session() as session:
        session.add_all(
            [
                ProcessedUpdateRow(update_id=1, processed_at=base - timedelta(minutes=1)),
                ProcessedUpdateRow(update_id=2, processed_at=base + timedelta(minutes=1)),
            ]
        )
        await session.flush()
        # 20:00 in Shanghai is 12:00 UTC: only the later row is after it.
        later = await session.scalars(
            select(ProcessedUpdateRow.update_id).where(
                ProcessedUpdateRow.processed_at > base.astimezone(timezone(timedelta(hours=8)))
            )
        )
        assert list(later) == [2]
