"""A slow worker keeps its lease: rows it has claimed and not yet sent are renewed, not requeued by its
own lease check and sent a second time."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bot.actions import Action, SendText
from bot.clock import SystemClock
from bot.domain.outbox import MessageCategory, OutboxMessage
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.integration.delivery_support import sqlite_database
from tests.parts import shared_i18n


class SlowMessenger:
    """Each send takes longer than the whole lease would last for the rows waiting behind it."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.sent: Counter[str] = Counter()

    async def execute(self, action: Action) -> int | None:
        await asyncio.sleep(self.delay)  # the slow send is the situation under test, not a wait for it
        assert isinstance(action, SendText)
        self.sent[action.text] += 1
        return sum(self.sent.values())


async def test_rows_waiting_behind_slow_sends_are_not_sent_twice(tmp_path: Path) -> None:
    messages = 8
    async with sqlite_database(tmp_path) as database:
        async with database.uow() as uow:
            await uow.outbox.enqueue_many(
                [
                    OutboxMessage(
                        chat_id=100 + n, category=MessageCategory.NOTICE, dedupe_key=f"k{n}", text=f"m{n}"
                    )
                    for n in range(messages)
                ]
            )
            await uow.commit()
        messenger = SlowMessenger(0.25)
        config = SenderConfig(
            limits=Limits(global_per_s=1000),
            batch_size=messages,
            concurrency=1,  # one send at a time: the last row waits about 2 s, five leases
            lease_s=0.4,
            poll_interval_s=0.02,
            flush_interval_s=0.02,
            send_timeout_s=5,
            backoff=Backoff(base_s=0.05),
            quiet_hours=QuietHours.parse("off"),
        )
        sender = Sender(
            SqlDeliveryQueue(database.sessions),
            messenger,
            ActionBuilder(shared_i18n()),
            SystemClock(),
            config,
        )
        await sender.drain(timeout=30)
    assert messenger.sent == Counter({f"m{n}": 1 for n in range(messages)})
    assert sender.stats.requeued_expired == 0
