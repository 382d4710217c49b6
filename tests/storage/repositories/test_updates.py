"""The log of Telegram updates handled: each claimed once, even by several workers at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.repositories.updates import SqlUpdateLog
from tests.postgres_support import lock_waiters
from tests.waiting import wait_until

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


@pytest.mark.postgres
async def test_concurrent_claims_of_one_update_have_one_winner(postgres_database: Database) -> None:
    database = postgres_database

    async def others_queued() -> bool:
        return await lock_waiters(database) == 3

    async def claim() -> bool:
        async with database.uow() as uow:
            won = await uow.updates.claim(777, NOW)
            if won:
                # The winner holds its new row uncommitted until the three others wait on it.
                await wait_until(others_queued)
            await uow.commit()
            return won

    assert sorted(await asyncio.gather(*(claim() for _ in range(4)))) == [False, False, False, True]
