from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.repositories.updates import SqlUpdateLog

NOW = datetime(2025, 3, 1, tzinfo=UTC)


async def test_an_update_is_claimed_once(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.updates.claim(10, NOW) is True
        assert await uow.updates.claim(10, NOW) is False
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.updates.claim(10, NOW) is False
        assert await uow.updates.claim(2**40, NOW) is True


async def test_a_rolled_back_claim_can_be_claimed_again(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.updates.claim(10, NOW) is True
    async with database.uow() as uow:
        assert await uow.updates.claim(10, NOW) is True


async def test_prune_forgets_old_updates_only(database: Database) -> None:
    async with database.uow() as uow:
        await uow.updates.claim(1, NOW - timedelta(days=3))
        await uow.updates.claim(2, NOW)
        assert await SqlUpdateLog(uow.session).prune(NOW - timedelta(days=1)) == 1
        assert await uow.updates.claim(1, NOW) is True
        assert await uow.updates.claim(2, NOW) is False
