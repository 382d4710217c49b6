from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.domain.records import AccountRole, RetireeRecord
from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import AccountRow
from storage.repositories.accounts import SqlAccountRepository


async def test_get_or_create_creates_once(database: Database) -> None:
    async with database.uow() as uow:
        created = await uow.accounts.get_or_create(42, 42, "zh_Hans")
        again = await uow.accounts.get_or_create(42, 42, "en")
        assert again == created
        assert (created.role, created.locale, created.retiree_id) == (AccountRole.NEW, "zh_Hans", None)
        assert await uow.accounts.get(created.id) == created
        assert await uow.accounts.get_by_telegram_user(42) == created
        assert await uow.accounts.get_by_telegram_user(43) is None


async def test_get_or_create_follows_a_new_chat_id(database: Database) -> None:
    async with database.uow() as uow:
        await uow.accounts.get_or_create(42, 42, "en")
        assert (await uow.accounts.get_or_create(42, 7, "en")).chat_id == 7


async def test_telegram_ids_beyond_32_bits_fit(database: Database) -> None:
    big = 2**52 + 1
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(big, -(10**12) - 5, "en")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.accounts.get(account.id) == account


async def test_locale_and_role(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        await uow.retirees.upsert(
            RetireeRecord("甲", "h" * 64, "2101**********0001", date(1950, 1, 1), date(2010, 1, 1), "A")
        )
        retiree = await uow.retirees.find_by_id_hash("h" * 64)
        assert retiree is not None
        account = await uow.accounts.get_or_create(1, 1, "zh_Hans")
        await uow.accounts.set_locale(account.id, "en")
        await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree.id)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.accounts.get(account.id)
        assert stored is not None
        assert (stored.locale, stored.role, stored.retiree_id) == ("en", AccountRole.RETIREE, retiree.id)
        assert [a.id for a in await uow.accounts.for_retiree(retiree.id)] == [account.id]
        await uow.accounts.set_role(account.id, AccountRole.FAMILY)
        assert await uow.accounts.for_retiree(retiree.id) == []


async def test_unreachable_flag(database: Database) -> None:
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await SqlAccountRepository(uow.session).set_unreachable(account.id)
        await uow.commit()
    async with database.uow() as uow:
        flag = select(AccountRow.unreachable).where(AccountRow.id == account.id)
        assert await uow.session.scalar(flag) is True
        await SqlAccountRepository(uow.session).set_unreachable(account.id, False)
        assert await uow.session.scalar(flag) is False


async def test_changing_a_missing_account_raises(database: Database) -> None:
    async with database.uow() as uow:
        with pytest.raises(RecordNotFound):
            await uow.accounts.set_locale(999, "en")
