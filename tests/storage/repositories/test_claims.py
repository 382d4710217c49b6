"""The claim repository contract (tests/storage/claims_contract.py) on SQLite, PostgreSQL and the fake, and
two reports of one death at the same moment."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.storage import claims_contract as contract
from tests.waiting import wait_until


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


@pytest.mark.postgres
async def test_two_simultaneous_reports_make_one_claim(postgres_database: Database) -> None:
    """Two relatives reporting the same death at the same moment make one claim, on PostgreSQL where the two
    transactions really run side by side: the second waits on the first's insert, then finds its claim."""
    database = postgres_database
    p = await contract.people(database.uow)

    async def blocked() -> bool:
        async with database.uow() as uow:
            waiting = await uow.session.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            return bool(waiting.scalar())

    async with database.uow() as first:
        _, first_opened = await first.claims.report(contract.new_report(p["r1"], p["a1"], "AAAA2345"))

        async def second() -> bool:
            async with database.uow() as uow:
                _, opened = await uow.claims.report(contract.new_report(p["r1"], p["a2"], "BBBB2345"))
                await uow.commit()
                return opened

        other = asyncio.create_task(second())
        await wait_until(blocked, message="the second report did not wait for the first")
        await first.commit()
    assert first_opened
    assert not await other
    async with database.uow() as uow:
        claim = await uow.claims.for_retiree(p["r1"])
        assert claim is not None
        assert (claim.reference, claim.reported_by_account_id) == ("AAAA2345", p["a1"])
