"""Riding out a restart (issue 14): PostgreSQL or Redis goes away mid-run and comes back, as the bot's
connections see it (a TCP proxy in the test cuts them; the servers keep running for the rest of the
suite). The bot and the sender keep running, say so once, and afterwards answer the updates that came
meanwhile and finish the outbox: nothing lost, nothing sent twice, no call over Telegram's limits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.domain.outbox import OutboxStatus
from bot.emulator import Emulator
from bot.emulator.testing import assert_no_violations, running_emulator
from handlers.ptb_adapter.transport import FETCHED_AHEAD
from scheduler.delivery import Limits, Sender, SenderConfig
from scheduler.delivery.shared_limiter import SharedSendLimiter
from storage.database import Database
from storage.models import OutboxRow
from tests.integration.conftest import FRAMEWORKS, running_bot
from tests.integration.delivery_support import (
    TOKEN,
    brisk_config,
    delivered,
    make_sender,
    sending_transport,
    text_message,
)
from tests.postgres_support import throwaway_database
from tests.proxy import CuttableProxy, cuttable
from tests.redis_support import RedisSpace, client
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres

RATE = 20
BOT = int(TOKEN.partition(":")[0])


@asynccontextmanager
async def postgres_behind_proxy() -> AsyncIterator[tuple[Database, Database, CuttableProxy]]:
    """A throwaway database twice: directly (for the test's own looks) and through a cuttable proxy (for
    the bot)."""
    async with throwaway_database() as direct:
        url = direct.engine.url
        async with cuttable(url.host or "127.0.0.1", url.port or 5432) as proxy:
            behind = Database.from_url(url.set(host="127.0.0.1", port=proxy.port))
            try:
                yield direct, behind, proxy
            finally:
                await behind.dispose()


def warnings_of(caplog: pytest.LogCaptureFixture, logger: str, words: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == logger and r.levelno >= logging.WARNING and words in r.getMessage()
    ]


def sends_to(emu: Emulator, chat: int) -> int:
    return sum(1 for c in emu.calls if c.ok and c.chat_id == chat and c.method.startswith("send"))


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_updates_that_came_while_postgres_was_away_are_answered_once_it_is_back(
    framework: str, webhook: bool, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    waiting = [6002, 6003, 6004]
    async with (
        postgres_behind_proxy() as (_, database, proxy),
        running_bot(framework, emulator, database, webhook=webhook) as app,
    ):
        assert await app.says(6001, "/start")
        await proxy.cut()
        for user in waiting:
            await emulator.send_text(user, "/start", language_code="en")
        await wait_until(
            lambda: bool(warnings_of(caplog, "handlers.pipeline", "does not answer")),
            timeout=30,
            message="the bot noticed the database is away",
        )
        assert [user for user in waiting if sends_to(emulator, user)] == []
        await proxy.restore()
        await wait_until(
            lambda: all(sends_to(emulator, user) >= sends_to(emulator, 6001) for user in waiting),
            timeout=60,
            message="every update that came meanwhile was answered",
        )
        await app.transport.join()
        await emulator.wait_quiet(waiting[-1], None, 5)
        # Each answered as the first one was, once: not twice, and no apology instead.
        assert {user: sends_to(emulator, user) for user in waiting} == {
            user: sends_to(emulator, 6001) for user in waiting
        }
    assert len(warnings_of(caplog, "handlers.pipeline", "does not answer")) == 1
    assert warnings_of(caplog, "handlers.pipeline", "answers again")


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_polling_fetches_no_further_while_postgres_is_away(
    framework: str, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A fetch confirms to Telegram every update before it: a bot that went on fetching while its database
    is away would hold them in memory only, and a crash then would lose them. It holds a batch or two."""
    burst = list(range(7000, 7250))
    async with (
        postgres_behind_proxy() as (_, database, proxy),
        running_bot(framework, emulator, database) as app,
    ):
        assert await app.says(6001, "/start")
        await proxy.cut()
        await emulator.send_text(6002, "/start", language_code="en")
        await wait_until(
            lambda: bool(warnings_of(caplog, "handlers.pipeline", "does not answer")),
            timeout=30,
            message="the bot noticed the database is away",
        )
        for user in burst:
            await emulator.send_text(user, "/start", language_code="en")
        kept_by_telegram = emulator.bot().pending
        with pytest.raises(TimeoutError):
            await wait_until(lambda: len(kept_by_telegram) < len(burst) - 2 * FETCHED_AHEAD, timeout=3)
        await proxy.restore()
        await wait_until(
            lambda: (
                {c.chat_id for c in emulator.calls if c.ok and c.method == "sendMessage"} >= {6002, *burst}
            ),
            timeout=120,
            message="every update that waited was answered",
        )


def _config(batch: int = 10) -> SenderConfig:
    return brisk_config(RATE, batch)


async def _enqueue(database: Database, emu: Emulator, count: int, first_chat: int) -> list[str]:
    keys = [f"m-{n}" for n in range(count)]
    for n in range(count):
        emu.open_chat(first_chat + n)
    async with database.uow() as uow:
        await uow.outbox.enqueue_many(
            [text_message(None, key, chat_id=first_chat + n) for n, key in enumerate(keys)]
        )
        await uow.commit()
    return keys


async def _settled(database: Database) -> int:
    async with database.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status == OutboxStatus.SENT.value)
        )
    return int(count or 0)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_the_outbox_resumes_after_postgres_was_away(
    framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        postgres_behind_proxy() as (direct, behind, proxy),
        running_emulator() as emu,
        sending_transport(framework, emu) as transport,
    ):
        emu.set_limits(global_per_s=RATE, per_chat_per_s=1, per_group_per_min=20)
        keys = await _enqueue(direct, emu, 60, 720_000)
        sender = make_sender(behind, transport, _config(), SystemClock())
        stop = asyncio.Event()
        running = asyncio.create_task(sender.run(stop))
        try:
            await wait_until(lambda: sender.stats.sent >= 10, timeout=30)
            await proxy.cut()
            await wait_until(
                lambda: bool(warnings_of(caplog, "scheduler.delivery.sender", "does not answer")), timeout=30
            )
            await proxy.restore()
            await wait_until(
                lambda: _all_sent(direct, len(keys)), timeout=60, message="the outbox was finished"
            )
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
        counts = delivered(emu)
        assert set(counts) == set(keys)
        assert [key for key, n in counts.items() if n != 1] == []
        assert_no_violations(emu)
    assert len(warnings_of(caplog, "scheduler.delivery.sender", "does not answer")) == 1
    assert warnings_of(caplog, "scheduler.delivery.sender", "answers again")


async def _all_sent(database: Database, count: int) -> bool:
    return await _settled(database) == count


@pytest.mark.redis
@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_two_senders_ride_out_a_redis_restart_without_a_burst(
    framework: str, redis_space: RedisSpace, caplog: pytest.LogCaptureFixture
) -> None:
    await redis_space.forget_start(BOT)
    async with (
        throwaway_database() as database,
        running_emulator() as emu,
        cuttable("127.0.0.1", 6379) as proxy,
        AsyncExitStack() as stack,
    ):
        emu.set_limits(global_per_s=RATE, per_chat_per_s=1, per_group_per_min=20)
        keys = await _enqueue(database, emu, 80, 730_000)
        senders: list[Sender] = []
        limiters: list[SharedSendLimiter] = []
        for n in range(2):
            transport = await stack.enter_async_context(sending_transport(framework, emu))
            redis = client(f"redis://127.0.0.1:{proxy.port}/0")
            stack.push_async_callback(redis.aclose)
            limiter = SharedSendLimiter(
                redis, BOT, Limits(global_per_s=RATE), name=f"w{n}", hold_s=5.0, prefix=redis_space.prefix
            )
            stack.push_async_callback(limiter.close)
            limiters.append(limiter)
            senders.append(make_sender(database, transport, _config(), SystemClock(), limiter=limiter))
        stop = asyncio.Event()
        running = [asyncio.create_task(s.run(stop)) for s in senders]
        try:
            await wait_until(lambda: sum(s.stats.sent for s in senders) >= 15, timeout=30)
            await proxy.cut()
            await wait_until(lambda: all(limiter.outages for limiter in limiters), timeout=30)
            # A Redis without persistence comes back empty: what it knew of the last second is gone.
            keys_now = [key async for key in redis_space.redis.scan_iter(match=f"{redis_space.prefix}:*")]
            await redis_space.redis.delete(*keys_now)
            await proxy.restore()
            await wait_until(lambda: _all_sent(database, len(keys)), timeout=60)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*running), 30)
        counts = delivered(emu)
        assert set(counts) == set(keys)
        assert [key for key, n in counts.items() if n != 1] == []
        assert_no_violations(emu)  # no burst over the limit when Redis came back, empty
        assert sum(s.stats.rate_limited for s in senders) == 0
    warned = warnings_of(caplog, "scheduler.delivery.shared_limiter", "does not answer")
    assert len(warned) == 2  # once by each sender
