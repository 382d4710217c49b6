"""Several senders of one bot on one PostgreSQL outbox (issue 14): with REDIS_URL they share one budget,
so together they stay within Telegram's limits (two workers each pacing itself used to draw hundreds of
429s), one chat's messages still arrive in order, and without REDIS_URL a second sender refuses to start
instead of silently doubling the rate."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from sqlalchemy import text

from bot.app import CommandError
from bot.app.parts import build_background, open_background, sending_budget, shared_parts
from bot.clock import SystemClock
from bot.config import Settings
from bot.emulator.testing import assert_no_violations, running_emulator
from handlers import create_transport
from scheduler.budget import BudgetTaken, SenderLock
from scheduler.delivery.shared_limiter import SharedSendLimiter
from storage.database import Database
from tests.backends import one_database_per_worker
from tests.integration.conftest import FRAMEWORKS
from tests.integration.delivery_support import (
    TOKEN,
    NoCore,
    brisk_config,
    delivered,
    make_sender,
    sending_transport,
    text_message,
)
from tests.redis_support import RedisSpace, client

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BOT = int(TOKEN.partition(":")[0])
RATE = 20


async def _enqueue_two_per_chat(database: Database, chats: int, first_chat: int) -> list[tuple[str, str]]:
    """Two messages to each chat, the first queued before the second: which must arrive first."""
    pairs = []
    async with database.uow() as uow:
        messages = []
        for round_ in ("a", "b"):
            for n in range(chats):
                messages.append(text_message(None, f"m-{n}-{round_}", chat_id=first_chat + n))
        await uow.outbox.enqueue_many(messages)
        await uow.commit()
    for n in range(chats):
        pairs.append((f"m-{n}-a", f"m-{n}-b"))
    return pairs


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_two_workers_of_one_bot_share_its_budget_and_draw_no_429(
    framework: str, postgres_url: str, redis_space: RedisSpace
) -> None:
    chats, first_chat = 30, 710_000
    config = brisk_config(RATE, 20)
    await redis_space.forget_start(BOT)
    async with (
        one_database_per_worker(postgres_url, 2) as dbs,
        running_emulator() as emu,
        AsyncExitStack() as stack,
    ):
        # Telegram's limit is the one each worker is configured with: together they must keep to it.
        emu.set_limits(global_per_s=RATE, per_chat_per_s=1, per_group_per_min=20)
        for n in range(chats):
            emu.open_chat(first_chat + n)
        pairs = await _enqueue_two_per_chat(dbs[0], chats, first_chat)
        senders = []
        for n, db in enumerate(dbs):
            transport = await stack.enter_async_context(sending_transport(framework, emu))
            redis = client(redis_space.url)
            stack.push_async_callback(redis.aclose)
            limiter = SharedSendLimiter(
                redis, BOT, config.limits, name=f"w{n}", hold_s=5.0, prefix=redis_space.prefix
            )
            stack.push_async_callback(limiter.close)
            senders.append(make_sender(db, transport, config, SystemClock(), limiter=limiter))
        await asyncio.wait_for(asyncio.gather(*(s.drain() for s in senders)), 60)

        counts = delivered(emu)
        assert len(counts) == 2 * chats
        assert [key for key, n in counts.items() if n != 1] == []
        assert_no_violations(emu)  # no call over Telegram's limits: no 429
        assert all(s.stats.sent > 0 for s in senders), [s.stats.sent for s in senders]
        assert sum(s.stats.rate_limited for s in senders) == 0
        order = [str(call.params.get("text")) for call in emu.calls if call.ok]
        position = {key: i for i, body in enumerate(order) for key in counts if f"[{key}]" in body}
        assert [pair for pair in pairs if position[pair[0]] > position[pair[1]]] == []


async def test_a_second_sender_without_redis_refuses_to_start(postgres_url: str) -> None:
    async with one_database_per_worker(postgres_url, 3) as (first_db, second_db, third_db):
        first = SenderLock(first_db.engine, BOT, shared=False)
        await first.take()
        with pytest.raises(BudgetTaken, match="set REDIS_URL"):
            await SenderLock(second_db.engine, BOT, shared=False).take()
        # A sender sharing through Redis cannot run beside one that paces itself alone either.
        with pytest.raises(BudgetTaken, match="without REDIS_URL"):
            await SenderLock(second_db.engine, BOT, shared=True).take()
        # Another bot has a budget of its own.
        other = SenderLock(third_db.engine, BOT + 1, shared=False)
        await other.take()
        await other.release()
        await first.release()
        shared = [SenderLock(db.engine, BOT, shared=True) for db in (first_db, second_db)]
        for lock in shared:
            await lock.take()
        with pytest.raises(BudgetTaken, match="set REDIS_URL"):
            await SenderLock(third_db.engine, BOT, shared=False).take()
        for lock in shared:
            await lock.release()


async def test_the_sender_lock_is_taken_again_after_the_database_dropped_it(postgres_url: str) -> None:
    async with one_database_per_worker(postgres_url, 2) as (first_db, second_db):
        lock = SenderLock(first_db.engine, BOT, shared=False)
        await lock.take()
        async with second_db.session() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                )
            )
        assert await lock.holds()  # noticed the dead session and took the lock again
        with pytest.raises(BudgetTaken):
            await SenderLock(second_db.engine, BOT, shared=False).take()
        await lock.release()


async def test_the_command_says_what_to_set_when_a_second_sender_starts(postgres_url: str) -> None:
    settings = Settings(_env_file=None, database_url=postgres_url, bot_token=TOKEN)
    async with one_database_per_worker(postgres_url, 2) as dbs, AsyncExitStack() as stack:
        backgrounds = []
        for db in dbs:
            transport = create_transport("aiogram", token=TOKEN, api_base="http://127.0.0.1:9", core=NoCore())
            stack.push_async_callback(transport.close)
            backgrounds.append(
                build_background(
                    settings,
                    db,
                    transport.messenger,
                    SystemClock(),
                    shared_parts(settings),
                    sending_budget(settings, TOKEN),
                    with_jobs=False,
                    role="worker",
                )
            )
        await open_background(backgrounds[0])
        with pytest.raises(CommandError, match="REDIS_URL"):
            await open_background(backgrounds[1])
        await backgrounds[0].stop()
