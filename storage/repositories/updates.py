"""Update ids already handled: Telegram redelivers after timeouts and restarts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdateRow
from storage.repositories._sql import insert_for


class SqlUpdateLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int, now: datetime) -> bool:
        # ON CONFLICT DO NOTHING instead of catching IntegrityError: a failed INSERT would abort the whole
        # PostgreSQL transaction, and on a concurrent claim the second INSERT waits for the first to commit.
        result = await self._session.execute(
            insert_for(self._session, ProcessedUpdateRow)
            .values(update_id=update_id, processed_at=now)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(ProcessedUpdateRow.update_id)
        )
        return result.scalar_one_or_none() is not None

    async def prune(self, before: datetime) -> int:
        """Forget updates processed before `before` (Telegram keeps undelivered updates for 24 hours)."""
        result = await self._session.execute(
            delete(ProcessedUpdateRow)
            .where(ProcessedUpdateRow.processed_at < before)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))
