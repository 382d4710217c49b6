"""The family link repository contract (tests/storage/family_contract.py) on SQLite, PostgreSQL and the
fake, and the migration that cleaned up links left behind."""

from __future__ import annotations

import pytest

from bot.domain.people import AccountRole, FamilyLink
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.migrate import downgrade, upgrade
from tests.storage import family_contract as contract


async def test_upgrade_removes_the_links_earlier_unlinks_left_behind(
    database: Database, people: dict[str, int], sqlite_url: str
) -> None:
    a1, a2, r1 = people["a1"], people["a2"], people["r1"]
    await downgrade(sqlite_url, "0004_certification")
    async with database.uow() as uow:
        await uow.family.link(a1, r1, "son")
        await uow.family.link(a2, r1, "daughter")
        await uow.accounts.set_role(a1, AccountRole.NEW, None)  # unlinked before links were removed
        await uow.accounts.set_role(a2, AccountRole.FAMILY, None)
        await uow.commit()
    await upgrade(sqlite_url)
    async with database.uow() as uow:
        assert await uow.family.for_account(a1) == []
        assert await uow.family.for_account(a2) == [FamilyLink(a2, r1, "daughter")]


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)
