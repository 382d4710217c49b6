from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storage.database import Database
from storage.repositories.login_attempts import SqlLoginAttemptRepository
from tests.backends import on_each_backend

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))


@on_each_backend
async def test_failures_are_counted_per_account_and_window(
    database: Database, people: dict[str, int]
) -> None:
    a1, a2 = people["a1"], people["a2"]
    async with database.uow() as uow:
        for minutes in (90, 50, 10, 1):
            await uow.login_attempts.record_failure(a1, NOW - timedelta(minutes=minutes))
        # The same moment told in another time zone: compared as a moment, whatever the backend keeps.
        await uow.login_attempts.record_failure(a2, NOW.astimezone(SHANGHAI))
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(hours=1)) == 3
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(hours=2)) == 4
        assert await uow.login_attempts.failures_since(a2, NOW - timedelta(seconds=1)) == 1
        assert await uow.login_attempts.failures_since(a2, NOW + timedelta(seconds=1)) == 0
        assert await SqlLoginAttemptRepository(uow.session).prune(NOW - timedelta(hours=1)) == 1
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(hours=2)) == 3
