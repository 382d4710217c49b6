"""Failed identification attempts, for the rule of at most 5 failures per hour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LoginAttemptRow


class SqlLoginAttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_failure(self, account_id: int, at: datetime) -> None:
        self._session.add(LoginAttemptRow(account_id=account_id, at=at))
        await self._session.flush()

    async def failures_since(self, account_id: int, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(LoginAttemptRow)
            .where(LoginAttemptRow.account_id == account_id, LoginAttemptRow.at >= since)
        )
        return count or 0

    async def prune(self, before: datetime) -> int:
        result = await self._session.execute(
            delete(LoginAttemptRow)
            .where(LoginAttemptRow.at < before)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))
