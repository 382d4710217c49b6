"""Several delivery workers on one PostgreSQL outbox: each message is sent exactly once, and each worker
really takes part (rows are claimed with FOR UPDATE SKIP LOCKED: tests/storage/repositories/
test_delivery_queue.py)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.emulator.testing import assert_no_violations, running_emulator
from scheduler.delivery import Sender
from storage.models import OutboxRow
from tests.backends import one_database_per_worker
from tests.integration.delivery_support import brisk_config, delivered, make_sender, sending_transport

pytestmark = pytest.mark.postgres


async def test_three_workers_drain_one_outbox_and_send_each_message_once(postgres_url: str) -> None:
    messages = 900
    config = brisk_config(400, 40)
    keys = [f"m-{n}" for n in range(messages)]
    async with one_database_per_worker(postgres_url, 3) as databases, running_emulator() as emu:
        # Each worker keeps its own limiter, so the server's global limit is theirs added up.
        emu.set_limits(global_per_s=1200, per_chat_per_s=1)
        for n in range(messages):
            emu.open_chat(700_000 + n)
        async with databases[0].uow() as uow:
            queued = [
                OutboxMessage(
                    chat_id=700_000 + n,
                    category=MessageCategory.BROADCAST,
                    dedupe_key=key,
                    text=f"Notice <b>[{key}]</b>",  # delivered() counts the key in brackets
                )
                for n, key in enumerate(keys)
            ]
            assert await uow.outbox.enqueue_many(queued) == messages
            await uow.commit()
        async with AsyncExitStack() as stack:
            senders: list[Sender] = []
            for database in databases:
                transport = await stack.enter_async_context(sending_transport("aiogram", emu))
                senders.append(make_sender(database, transport, config, SystemClock()))
            await asyncio.wait_for(asyncio.gather(*(s.drain() for s in senders)), 60)

        counts = delivered(emu)
        assert set(counts) == set(keys)
        assert [k for k, n in counts.items() if n != 1] == []
        assert_no_violations(emu)
        assert sum(s.stats.sent for s in senders) == messages
        # Each worker really took part: otherwise the test would not be about concurrency at all.
        assert all(s.stats.sent > 0 for s in senders), [s.stats.sent for s in senders]
        async with databases[0].session() as session:
            statuses = set(await session.scalars(select(OutboxRow.status)))
        assert statuses == {OutboxStatus.SENT}
