"""`run` answering people while another process sends a notice at Telegram's limit (issue 14): the
replies draw on the budget the broadcast spends (through Redis), so together they never go over it, and
every person is answered while the notice goes out."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.emulator import Emulator
from scheduler.delivery.shared_limiter import SharedSendLimiter
from storage.database import Database
from tests.integration.conftest import FRAMEWORKS, running_bot
from tests.integration.delivery_support import (
    brisk_config,
    delivered,
    make_sender,
    sending_transport,
    sqlite_database,
    text_message,
)
from tests.redis_support import RedisSpace, client
from tests.waiting import wait_until

pytestmark = pytest.mark.redis

BOT = 123456  # the bot of both test tokens: one budget at Telegram
RATE = 20


def answered(emu: Emulator, chat: int) -> bool:
    return any(c.ok and c.chat_id == chat and c.method.startswith("send") for c in emu.calls)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_replies_and_another_processs_broadcast_share_one_budget(
    framework: str, emulator: Emulator, database: Database, redis_space: RedisSpace, tmp_path: Path
) -> None:
    notice_chats = list(range(740_000, 740_060))
    people = list(range(750_000, 750_015))
    config = brisk_config(RATE, 20)
    await redis_space.forget_start(BOT)
    # Telegram's limits, exactly the ones both processes are configured with (the emulator fixture
    # fails the test on any call over them).
    emulator.set_limits(global_per_s=RATE, per_chat_per_s=1, per_group_per_min=20)
    for chat in notice_chats:
        emulator.open_chat(chat)
    async with AsyncExitStack() as stack:
        limiters = []
        for name in ("worker", "run"):
            redis = client(redis_space.url)
            stack.push_async_callback(redis.aclose)
            limiter = SharedSendLimiter(
                redis, BOT, config.limits, name=name, hold_s=5.0, prefix=redis_space.prefix
            )
            stack.push_async_callback(limiter.close)
            limiters.append(limiter)
        worker_limiter, run_limiter = limiters
        outbox = await stack.enter_async_context(sqlite_database(tmp_path))
        async with outbox.uow() as uow:
            await uow.outbox.enqueue_many([text_message(None, f"m-{c}", chat_id=c) for c in notice_chats])
            await uow.commit()
        transport = await stack.enter_async_context(sending_transport(framework, emulator))
        sender = make_sender(outbox, transport, config, SystemClock(), limiter=worker_limiter)
        async with running_bot(framework, emulator, database, limiter=run_limiter):
            broadcasting = asyncio.create_task(sender.drain(timeout=60))
            await wait_until(lambda: sender.stats.sent >= RATE, message="the notice is going out")
            for person in people:
                await emulator.send_text(person, "/start", language_code="en")
            await wait_until(
                lambda: all(answered(emulator, person) for person in people),
                timeout=30,
                message="everyone who wrote was answered",
            )
            answered_during_notice = not broadcasting.done()
            await broadcasting
    assert len(delivered(emulator)) == len(notice_chats)
    assert emulator.limit_breaches == []
    assert sender.stats.rate_limited == 0
    assert run_limiter.take_round_trips > 0  # the replies took their slots from the shared budget
    assert answered_during_notice  # a reply waits for a slot, not for the notice to end
