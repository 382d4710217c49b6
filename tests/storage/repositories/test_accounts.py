"""The account repository contract (tests/storage/accounts_contract.py) on SQLite, PostgreSQL and the
fake, and what only the SQL repository shows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import AccountRow
from storage.repositories.accounts import SqlAccountRepository
from tests.storage import accounts_contract as contract


async def test_the_unreachable_flag_is_a_column(database: Database) -> None:
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await SqlAccountRepository(uow.session).set_unreachable(account.id)
        await uow.commit()
    async with database.uow() as uow:
        flag = select(AccountRow.unreachable).where(AccountRow.id == account.id)
        assert await uow.session.scalar(flag) is True
        await SqlAccountRepository(uow.session).set_unreachable(account.id, False)
        assert await uow.session.scalar(flag) is False


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


async def test_a_missing_account_raises_the_storage_error(database: Database) -> None:
    async with database.uow() as uow:
        with pytest.raises(RecordNotFound):
            await uow.accounts.set_locale(999, "en")
