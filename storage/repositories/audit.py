"""Who did what: an append-only log for staff actions and imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLogRow


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self, actor_account_id: int | None, action: str, target: str, details: dict[str, Any], at: datetime
    ) -> None:
        self._session.add(
            AuditLogRow(
                actor_account_id=actor_account_id, action=action, target=target, details=details, at=at
            )
        )
        await self._session.flush()
