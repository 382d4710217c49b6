"""Update ids already handled: Telegram redelivers after timeouts and restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdateRow
from storage.repositories._sql import insert_for

# Every update starts with a claim: its statement is built once per dialect, on the table rather than the
# mapped class (nothing to load into the session), and run with fresh values.
_CLAIMS: dict[str, Any] = {}


def claim_statement(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    statement = _CLAIMS.get(dialect)
    if statement is None:
        table = ProcessedUpdateRow.__table__
        # ON CONFLICT DO NOTHING instead of catching IntegrityError: a failed INSERT would abort the whole
        # PostgreSQL transaction, and on a concurrent claim the second INSERT waits for the first to commit.
        statement = (
            insert_for(session, table)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(table.c.update_id)
        )
        _CLAIMS[dialect] = statement
    return statement


class SqlUpdateLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            claim_statement(self._session), {"update_id": update_id, "processed_at": now}
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
