"""One behaviour, three stores: the account repository contract, run against SQLite, PostgreSQL and the
fake (tests/storage/repositories/test_accounts.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from bot.domain.people import AccountRole, RetireeRecord, UnitKind
from bot.ports import UnitOfWorkFactory


async def _retiree(uow_factory: UnitOfWorkFactory) -> int:
    async with uow_factory() as uow:
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, None)
        await uow.retirees.upsert(
            RetireeRecord("甲", "h" * 64, "2101**********0001", date(1950, 1, 1), date(2010, 1, 1), "A")
        )
        retiree = await uow.retirees.find_by_id_hash("h" * 64)
        assert retiree is not None
        await uow.commit()
    return retiree.id


async def get_or_create_creates_once_with_the_first_locale(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        created = await uow.accounts.get_or_create(42, 42, "zh_Hans")
        again = await uow.accounts.get_or_create(42, 42, "en")
        assert again == created
        assert (created.role, created.locale, created.retiree_id) == (AccountRole.NEW, "zh_Hans", None)
        assert created.unreachable is False
        assert await uow.accounts.get(created.id) == created
        assert await uow.accounts.get_by_telegram_user(42) == created
        assert await uow.accounts.get_by_telegram_user(43) is None
        assert await uow.accounts.get(created.id + 1000) is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.get_or_create(42, 42, "en") == created


async def get_or_create_follows_a_new_chat_id(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.accounts.get_or_create(42, 42, "en")
        moved = await uow.accounts.get_or_create(42, 7, "en")
        assert (moved.id, moved.chat_id) == (first.id, 7)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.accounts.get(first.id)
        assert stored is not None
        assert stored.chat_id == 7


async def telegram_ids_beyond_32_bits_fit(uow_factory: UnitOfWorkFactory) -> None:
    big = 2**52 + 1
    async with uow_factory() as uow:
        account = await uow.accounts.get_or_create(big, -(10**12) - 5, "en")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.accounts.get(account.id) == account
        assert await uow.accounts.get_by_telegram_user(big) == account


async def locale_and_role_and_the_retirees_own_accounts(uow_factory: UnitOfWorkFactory) -> None:
    retiree = await _retiree(uow_factory)
    async with uow_factory() as uow:
        account = await uow.accounts.get_or_create(1, 1, "zh_Hans")
        other = await uow.accounts.get_or_create(2, 2, "zh_Hans")
        await uow.accounts.set_locale(account.id, "en")
        await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree)
        await uow.accounts.set_role(other.id, AccountRole.RETIREE, retiree)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.accounts.get(account.id)
        assert stored is not None
        assert (stored.locale, stored.role, stored.retiree_id) == ("en", AccountRole.RETIREE, retiree)
        assert [a.id for a in await uow.accounts.for_retiree(retiree)] == [account.id, other.id]
        # A family member's account may point at the retiree too: it is not the retiree's own.
        await uow.accounts.set_role(account.id, AccountRole.FAMILY, retiree)
        assert [a.id for a in await uow.accounts.for_retiree(retiree)] == [other.id]
        await uow.accounts.set_role(other.id, AccountRole.NEW)
        assert await uow.accounts.for_retiree(retiree) == []
        changed = await uow.accounts.get(other.id)
        assert changed is not None
        assert (changed.role, changed.retiree_id) == (AccountRole.NEW, None)


async def the_unreachable_flag_goes_both_ways(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.accounts.set_unreachable(account.id)
        await uow.commit()
    async with uow_factory() as uow:
        blocked = await uow.accounts.get(account.id)
        assert blocked is not None
        assert blocked.unreachable is True
        await uow.accounts.set_unreachable(account.id, False)
        back = await uow.accounts.get(account.id)
        assert back is not None
        assert back.unreachable is False


async def changing_a_missing_account_raises(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.accounts.set_locale(999, "en")
        with pytest.raises(LookupError):
            await uow.accounts.set_role(999, AccountRole.STAFF)
        with pytest.raises(LookupError):
            await uow.accounts.set_unreachable(999)


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.commit()
    async with uow_factory() as uow:
        await uow.accounts.get_or_create(2, 2, "en")
        await uow.accounts.set_locale(account.id, "zh_Hant")
        await uow.accounts.get_or_create(1, 9, "en")
    async with uow_factory() as uow:
        assert await uow.accounts.get_by_telegram_user(2) is None
        assert await uow.accounts.get(account.id) == account


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    get_or_create_creates_once_with_the_first_locale,
    get_or_create_follows_a_new_chat_id,
    telegram_ids_beyond_32_bits_fit,
    locale_and_role_and_the_retirees_own_accounts,
    the_unreachable_flag_goes_both_ways,
    changing_a_missing_account_raises,
    nothing_is_kept_without_a_commit,
)
