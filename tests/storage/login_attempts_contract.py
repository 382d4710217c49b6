"""One behaviour, three stores: failed identification attempts (at most so many an hour), run against SQLite,
PostgreSQL and the fake (tests/storage/repositories/test_login_attempts.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone

from bot.ports import UnitOfWorkFactory

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


async def _accounts(uow_factory: UnitOfWorkFactory) -> tuple[int, int]:
    async with uow_factory() as uow:
        a1 = await uow.accounts.get_or_create(101, 101, "en")
        a2 = await uow.accounts.get_or_create(102, 102, "en")
        await uow.commit()
    return a1.id, a2.id


async def failures_are_counted_per_account_and_window(uow_factory: UnitOfWorkFactory) -> None:
    a1, a2 = await _accounts(uow_factory)
    async with uow_factory() as uow:
        for minutes in (90, 60, 10, 1):
            await uow.login_attempts.record_failure(a1, NOW - timedelta(minutes=minutes))
        await uow.login_attempts.record_failure(a2, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        # A failure at the window's very start counts.
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(hours=1)) == 3
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(hours=2)) == 4
        assert await uow.login_attempts.failures_since(a1, NOW) == 0
        assert await uow.login_attempts.failures_since(a2, NOW - timedelta(hours=1)) == 1
        assert await uow.login_attempts.failures_since(a2 + 1000, NOW - timedelta(hours=1)) == 0


async def prune_forgets_failures_before_the_time_given(uow_factory: UnitOfWorkFactory) -> None:
    a1, a2 = await _accounts(uow_factory)
    async with uow_factory() as uow:
        for minutes in (90, 60, 10):
            await uow.login_attempts.record_failure(a1, NOW - timedelta(minutes=minutes))
        await uow.login_attempts.record_failure(a2, NOW - timedelta(hours=3))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.login_attempts.prune(NOW - timedelta(hours=1)) == 2  # the one at that moment stays
        assert await uow.login_attempts.prune(NOW - timedelta(hours=1)) == 0
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(days=1)) == 2
        assert await uow.login_attempts.failures_since(a2, NOW - timedelta(days=1)) == 0


async def a_time_is_an_instant_whatever_its_zone(uow_factory: UnitOfWorkFactory) -> None:
    a1, _ = await _accounts(uow_factory)
    shanghai = timezone(timedelta(hours=8))
    async with uow_factory() as uow:
        await uow.login_attempts.record_failure(a1, NOW.astimezone(shanghai))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(a1, NOW - timedelta(seconds=1)) == 1
        assert await uow.login_attempts.failures_since(a1, NOW + timedelta(seconds=1)) == 0
        since = (NOW - timedelta(seconds=1)).astimezone(shanghai)
        assert await uow.login_attempts.failures_since(a1, since) == 1


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    a1, _ = await _accounts(uow_factory)
    async with uow_factory() as uow:
        await uow.login_attempts.record_failure(a1, NOW)
        assert await uow.login_attempts.failures_since(a1, NOW) == 1
    async with uow_factory() as uow:
        assert await uow.login_attempts.failures_since(a1, NOW) == 0


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    failures_are_counted_per_account_and_window,
    prune_forgets_failures_before_the_time_given,
    a_time_is_an_instant_whatever_its_zone,
    nothing_is_kept_without_a_commit,
)
