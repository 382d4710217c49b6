"""The sender against the emulator with Telegram's limits on and faults injected, on SQLite and
PostgreSQL, through both frameworks: every deliverable message arrives exactly once, nothing reaches a user
who blocked the bot, and the emulator records no breach of any limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path
from time import monotonic as time_now
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from bot.domain.outbox import MessageCategory, OutboxItem, OutboxStatus
from bot.emulator import Emulator
from bot.emulator.testing import assert_no_violations, running_emulator
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.models import AccountRow, OutboxRow
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.backends import database_on, on_each_backend
from tests.fakes import FakeClock
from tests.integration.delivery_support import (
    add_accounts,
    delivered,
    make_sender,
    queue_one_to_each,
    sending_transport,
    text_message,
)
from tests.parts import shared_i18n
from tests.waiting import wait_until

pytestmark = on_each_backend

FRAMEWORKS = ["aiogram", "ptb"]
GROUP = -100200300


def fast_config(**overrides: object) -> SenderConfig:
    values: dict[str, object] = {
        "limits": Limits(global_per_s=300),
        "batch_size": 50,
        "concurrency": 16,
        "lease_s": 30.0,
        "poll_interval_s": 0.02,
        # Long enough that a busy machine's slow answer is not taken for a lost one (which would rightly
        # send it again), short enough to keep the "slow" fault's test quick.
        "send_timeout_s": 2.0,
        "flush_interval_s": 0.02,
        "backoff": Backoff(base_s=0.05, cap_s=0.2, max_attempts=5),
        "quiet_hours": QuietHours.parse("off"),
    }
    values.update(overrides)
    return SenderConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def database(request: pytest.FixtureRequest, backend: str) -> Database:
    """An empty database on each backend, not the sample city of tests/integration/conftest.py."""
    return database_on(request, backend)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as emulator:
        # Telegram's own per-chat and per-group limits; a global one high enough to keep the test short.
        emulator.set_limits(global_per_s=300, per_chat_per_s=1, per_group_per_min=20)
        yield emulator


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_every_deliverable_message_arrives_once_under_faults(
    framework: str, database: Database, emu: Emulator
) -> None:
    users = list(range(5001, 5041))
    blocked = users[:3]
    accounts = await add_accounts(database, users)
    for user in users:
        emu.open_chat(user)
    for user in blocked:
        emu.block_user(user)
    emu.create_group(GROUP)

    messages = [text_message(a, f"m-{a.telegram_user_id}") for a in accounts]
    # Second messages to a few chats (the per-chat limit), one to a blocked user (must never be tried).
    messages += [text_message(a, f"m-{a.telegram_user_id}-again") for a in accounts[:6]]
    messages += [text_message(None, f"m-group-{n}", chat_id=GROUP) for n in range(3)]
    async with database.uow() as uow:
        assert await uow.outbox.enqueue_many(messages) == len(messages)
        await uow.commit()

    # A 429 storm, server errors on ~5 % of chats, and calls that never answer in time.
    emu.inject_fault("429", method="sendMessage", times=2, retry_after=1)
    for user in users[10:12]:
        emu.inject_fault("500", chat_id=user, times=1)
    emu.inject_fault("slow", chat_id=users[20], times=1, delay=6.0)

    async with sending_transport(framework, emu) as transport:
        sender = make_sender(database, transport, fast_config(), SystemClock())
        await sender.drain(horizon_s=5, timeout=60)

    deliverable = {m.dedupe_key for m in messages if m.chat_id not in blocked}
    counts = delivered(emu)
    assert set(counts) == deliverable
    assert all(n == 1 for n in counts.values()), {k: n for k, n in counts.items() if n != 1}
    for user in blocked:
        assert len(emu.calls_to(user, "sendMessage")) == 1  # the one that answered 403; never again
    assert_no_violations(emu)  # includes: not a single limit breach
    assert sender.stats.rate_limited == 2
    assert sender.stats.retried >= 3

    async with database.session() as session:
        statuses = dict((await session.execute(select(OutboxRow.dedupe_key, OutboxRow.status))).all())
        unreachable = set(
            await session.scalars(select(AccountRow.telegram_user_id).where(AccountRow.unreachable))
        )
    assert {k for k, s in statuses.items() if s == OutboxStatus.SENT} == deliverable
    assert {k for k, s in statuses.items() if s == OutboxStatus.UNREACHABLE} == {
        m.dedupe_key for m in messages if m.chat_id in blocked
    }
    assert unreachable == set(blocked)


async def test_a_retried_message_is_not_overtaken_by_the_next_one_in_its_chat(
    database: Database, emu: Emulator
) -> None:
    [account] = await add_accounts(database, [5101])
    emu.open_chat(5101)
    messages = [text_message(account, key) for key in ("first", "second", "third")]
    async with database.uow() as uow:
        await uow.outbox.enqueue_many(messages)
        await uow.commit()
    emu.inject_fault("500", chat_id=5101, times=1)

    async with sending_transport("aiogram", emu) as transport:
        sender = make_sender(database, transport, fast_config(), SystemClock())
        await sender.drain(horizon_s=5, timeout=60)

    arrived = [call.params["text"] for call in emu.calls_to(5101, "sendMessage") if call.ok]
    assert arrived == [f"Notice <b>[{key}]</b>" for key in ("first", "second", "third")]
    assert sender.stats.retried == 1


async def test_a_message_queued_while_its_chats_retry_is_unrecorded_waits_for_the_retry(
    database: Database, emu: Emulator
) -> None:
    """Until the worker records that a message goes to retry, the row is still its own and the queue does
    not hold the chat's next messages back: the worker must, or a message queued meanwhile overtakes the
    retried one."""
    [account] = await add_accounts(database, [5301])
    emu.open_chat(5301)
    async with database.uow() as uow:
        await uow.outbox.enqueue(text_message(account, "first"))
        await uow.commit()
    emu.inject_fault("500", chat_id=5301, times=1)
    async with sending_transport("aiogram", emu) as transport:
        # Results are recorded 3 s after the first: the window in which the next message is claimed.
        sender = make_sender(database, transport, fast_config(flush_interval_s=3.0), SystemClock())
        draining = asyncio.create_task(sender.drain(horizon_s=5, timeout=60))
        await wait_until(lambda: sender.stats.retried == 1, message="the first send failed")
        async with database.uow() as uow:
            await uow.outbox.enqueue(text_message(account, "second"))
            await uow.commit()
        await draining

    arrived = [call.params["text"] for call in emu.calls_to(5301, "sendMessage") if call.ok]
    assert arrived == [f"Notice <b>[{key}]</b>" for key in ("first", "second")]


class LosesOneClaimsAnswer:
    """The queue as a worker sees it when the connection breaks just after the server committed a claim:
    the rows are the worker's, and it never learns which."""

    def __init__(self, queue: SqlDeliveryQueue) -> None:
        self._queue = queue
        self.lost: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)

    async def claim(self, worker: str, now: datetime, limit: int, lease_until: datetime) -> list[OutboxItem]:
        items = await self._queue.claim(worker, now, limit, lease_until)
        if items and not self.lost:
            self.lost = [item.id for item in items]
            raise ConnectionResetError("the connection broke before the answer came")
        return items


async def test_rows_a_claim_took_as_the_database_went_away_are_sent_without_waiting_out_their_lease(
    database: Database, emu: Emulator
) -> None:
    users = list(range(5401, 5421))
    await queue_one_to_each(database, emu, users)
    queue = LosesOneClaimsAnswer(SqlDeliveryQueue(database.sessions))
    async with sending_transport("aiogram", emu) as transport:
        sender = Sender(
            queue, transport.messenger, ActionBuilder(shared_i18n()), SystemClock(), fast_config(lease_s=120)
        )
        await sender.drain(timeout=30)  # the lost rows' lease would run 120 s
    assert queue.lost
    counts = delivered(emu)
    assert len(counts) == len(users)
    assert set(counts.values()) == {1}


async def test_a_sender_short_of_room_records_at_once_instead_of_waiting_the_flush_interval(
    database: Database, emu: Emulator
) -> None:
    """A worker claims again only once half a batch of its rows is recorded: results that make up that
    half are recorded at once, not after the flush interval (which would cap a worker at half a batch
    per interval)."""
    users = list(range(5201, 5241))
    await queue_one_to_each(database, emu, users)
    async with sending_transport("aiogram", emu) as transport:
        config = fast_config(batch_size=10, flush_interval_s=5.0)
        sender = make_sender(database, transport, config, SystemClock())
        started = time_now()
        await sender.drain(timeout=60)
        took = time_now() - started
    assert sender.stats.sent == 40
    # Eight refills of half a batch: 40 s if each waited out the interval.
    assert took < 5.0


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_the_global_limit_holds_at_its_exact_rate(
    framework: str, database: Database, tmp_path: Path
) -> None:
    """With the emulator enforcing exactly the rate we send at, not one call is refused."""
    async with running_emulator() as emu:
        emu.set_limits(global_per_s=20, per_chat_per_s=1)
        await queue_one_to_each(database, emu, list(range(6001, 6061)))
        async with sending_transport(framework, emu) as transport:
            # A generous send timeout: a call that took longer than fast_config's 0.5 s on a busy machine
            # would be sent again, and this test counts calls.
            config = fast_config(limits=Limits(global_per_s=20), send_timeout_s=5.0)
            sender = make_sender(database, transport, config, SystemClock())
            await sender.drain(timeout=30)
        sends = [c.at for c in emu.calls if c.method == "sendMessage"]
        assert len(sends) == 60
        assert emu.limit_breaches == []
        assert sender.stats.rate_limited == 0
        # 60 messages at 20/s: the first 20 at once, then 20 a second; faster would have been refused.
        assert sends[-1] - sends[0] >= 2.0


async def test_a_bad_request_fails_for_good_with_its_reason(database: Database, emu: Emulator) -> None:
    [account] = await add_accounts(database, [7001])
    emu.open_chat(7001)
    async with database.uow() as uow:
        bad = text_message(account, "m-bad")
        await uow.outbox.enqueue(
            type(bad)(
                chat_id=bad.chat_id,
                account_id=bad.account_id,
                category=bad.category,
                dedupe_key="m-bad",
                text="<b>unclosed",
            )
        )
        await uow.commit()
    async with sending_transport("aiogram", emu) as transport:
        sender = make_sender(database, transport, fast_config(), SystemClock())
        await sender.drain(timeout=10)
    assert len([c for c in emu.calls if c.method == "sendMessage"]) == 1  # not retried
    async with database.session() as session:
        row = (await session.scalars(select(OutboxRow))).one()
    assert row.status == OutboxStatus.FAILED
    assert row.last_error
    assert "parse" in row.last_error.lower()


async def test_quiet_hours_hold_all_but_urgent_messages(database: Database, emu: Emulator) -> None:
    a, b = await add_accounts(database, [7101, 7102])
    for user in (7101, 7102):
        emu.open_chat(user)
    async with database.uow() as uow:
        batch = await uow.outbox.create_batch("broadcast", "Evening notice")
        await uow.outbox.enqueue(text_message(a, "m-evening", batch_id=batch))
        await uow.outbox.enqueue(text_message(b, "m-urgent", category=MessageCategory.URGENT, batch_id=batch))
        await uow.commit()
    # 21:30 in Shanghai (13:30 UTC): inside the default 20:00-08:30.
    clock = FakeClock(datetime(2025, 3, 3, 13, 30, tzinfo=UTC))
    config = fast_config(quiet_hours=QuietHours(time(20, 0), time(8, 30)))
    async with sending_transport("aiogram", emu) as transport:
        sender = make_sender(database, transport, config, clock)
        await sender.drain(timeout=10)
    assert set(delivered(emu)) == {"m-urgent"}
    async with database.session() as session:
        row = (await session.scalars(select(OutboxRow).where(OutboxRow.dedupe_key == "m-evening"))).one()
    assert row.status == OutboxStatus.QUEUED
    assert row.not_before == datetime(2025, 3, 4, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    async with database.uow() as uow:
        progress = await uow.outbox.batch_progress(batch)
    assert progress is not None
    assert (progress.sent, progress.waiting_quiet_hours, progress.queued) == (1, 1, 0)
