from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.database import Database
from storage.models import AuditLogRow

AT = datetime(2025, 3, 1, tzinfo=UTC)


async def test_records_are_appended(database: Database, people: dict[str, int]) -> None:
    async with database.uow() as uow:
        await uow.audit.record(people["a1"], "staff.export", "unit:5", {"rows": 3, "nested": {"a": [1]}}, AT)
        await uow.audit.record(None, "import_roster", "roster.csv", {}, AT)
        await uow.commit()
    async with database.uow() as uow:
        rows = list(await uow.session.scalars(select(AuditLogRow).order_by(AuditLogRow.id)))
        assert [(r.actor_account_id, r.action, r.target, r.details, r.at) for r in rows] == [
            (people["a1"], "staff.export", "unit:5", {"rows": 3, "nested": {"a": [1]}}, AT),
            (None, "import_roster", "roster.csv", {}, AT),
        ]
