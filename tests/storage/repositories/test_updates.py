"""The processed-update log contract (tests/storage/updates_contract.py) on SQLite, PostgreSQL and the fake,
and what only a server shows: several workers claiming one update at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.postgres_support import lock_waiters
from tests.storage import updates_contract as contract
from tests.waiting import wait_until

NOW = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


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
