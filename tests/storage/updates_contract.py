"""One behaviour, three stores: the processed-update log (each Telegram update handled once however often it
is delivered), run against SQLite, PostgreSQL and the fake (tests/storage/repositories/test_updates.py). Two
workers claiming one update at once: test_updates.py, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.ports import UnitOfWorkFactory

NOW = datetime(2025, 3, 1, tzinfo=UTC)


async def an_update_is_claimed_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.updates.claim(10, NOW) is True
        assert await uow.updates.claim(10, NOW) is False
        assert await uow.updates.claim(11, NOW) is True
        await uow.commit()
    async with uow_factory() as uow:
        # A redelivery, later and in another transaction.
        assert await uow.updates.claim(10, NOW + timedelta(hours=1)) is False
        # Update ids outgrow 32 bits.
        assert await uow.updates.claim(2**40, NOW) is True
        assert await uow.updates.claim(2**40, NOW) is False


async def a_rolled_back_claim_can_be_claimed_again(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.updates.claim(10, NOW) is True
        # no commit: handling the update failed, so Telegram's redelivery is handled anew
    async with uow_factory() as uow:
        assert await uow.updates.claim(10, NOW) is True


async def prune_forgets_updates_processed_before_the_time_given(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.updates.claim(1, NOW - timedelta(days=3))
        await uow.updates.claim(2, NOW - timedelta(days=1))
        await uow.updates.claim(3, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.updates.prune(NOW - timedelta(days=1)) == 1  # the one processed then is kept
        assert await uow.updates.prune(NOW - timedelta(days=1)) == 0
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.updates.claim(1, NOW) is True
        assert await uow.updates.claim(2, NOW) is False
        assert await uow.updates.claim(3, NOW) is False


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    an_update_is_claimed_once,
    a_rolled_back_claim_can_be_claimed_again,
    prune_forgets_updates_processed_before_the_time_given,
)
