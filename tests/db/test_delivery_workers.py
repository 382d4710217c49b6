"""Several delivery workers on one PostgreSQL outbox: each message is sent exactly once (rows are claimed
with FOR UPDATE SKIP LOCKED), and of several schedulers only the advisory-lock holder runs the periodic
ticks, until it stops and another takes over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.clock import SystemClock
from bot.domain.outbox import DeliveryReport, MessageCategory, OutboxMessage, OutboxStatus
from bot.emulator.testing import assert_no_violations, running_emulator
from scheduler.context import JobContext
from scheduler.delivery import Backoff, Limits, QuietHours, Sender, SenderConfig
from scheduler.jobs import Job
from scheduler.leader import AdvisoryLockLeader, Leadership
from scheduler.service import JobRunner
from storage.database import Database
from storage.models import OutboxRow
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.integration.delivery_support import delivered, make_sender, sending_transport
from tests.parts import job_context
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@asynccontextmanager
async def databases(url: str, count: int) -> AsyncIterator[list[Database]]:
    """`count` engines on one database: each worker with connections of its own, as separate processes
    would have."""
    async with AsyncExitStack() as stack:
        found = []
        for _ in range(count):
            database = Database.from_url(url)
            stack.push_async_callback(database.dispose)
            found.append(database)
        yield found


async def _enqueue(database: Database, keys: list[str], first_chat: int = 700_000) -> None:
    async with database.uow() as uow:
        messages = [
            OutboxMessage(
                chat_id=first_chat + n,
                category=MessageCategory.BROADCAST,
                dedupe_key=key,
                text=f"Notice <b>[{key}]</b>",
            )
            for n, key in enumerate(keys)
        ]
        assert await uow.outbox.enqueue_many(messages) == len(keys)
        await uow.commit()


async def test_concurrent_claims_never_hand_out_a_row_twice(pg_url: str) -> None:
    async with databases(pg_url, 3) as dbs:
        keys = [f"m-{n}" for n in range(600)]
        await _enqueue(dbs[0], keys)
        queues = [SqlDeliveryQueue(db.sessions) for db in dbs]
        claimed: dict[str, list[int]] = {f"w{n}": [] for n in range(3)}

        async def claim_all(worker: str, queue: SqlDeliveryQueue) -> None:
            while items := await queue.claim(worker, NOW, 17, LEASE):
                claimed[worker].extend(item.id for item in items)

        await asyncio.gather(*(claim_all(f"w{n}", q) for n, q in enumerate(queues)))

    everything = [row for rows in claimed.values() for row in rows]
    assert len(everything) == len(set(everything)) == len(keys)
    assert all(claimed.values()), {w: len(rows) for w, rows in claimed.items()}


async def test_a_claim_skips_rows_another_transaction_holds_instead_of_waiting(pg_url: str) -> None:
    async with databases(pg_url, 2) as (holder, claimer):
        await _enqueue(holder, [f"m-{n}" for n in range(10)])
        async with holder.session() as session, session.begin():
            # Another worker's claim transaction, caught half-way: it holds the five oldest rows' locks.
            held = list(
                await session.scalars(select(OutboxRow.id).order_by(OutboxRow.id).limit(5).with_for_update())
            )
            queue = SqlDeliveryQueue(claimer.sessions)
            # Without SKIP LOCKED this would wait for the holder's commit, which never comes in time.
            items = await asyncio.wait_for(queue.claim("other", NOW, 10, LEASE), 5)
            assert {item.id for item in items}.isdisjoint(held)
            assert len(items) == 5
            await session.execute(text("SELECT 1"))


async def test_three_workers_drain_one_outbox_and_send_each_message_once(pg_url: str) -> None:
    messages = 900
    config = SenderConfig(
        limits=Limits(global_per_s=400),
        batch_size=40,
        concurrency=8,
        poll_interval_s=0.02,
        flush_interval_s=0.05,
        backoff=Backoff(base_s=0.05, cap_s=0.2),
        quiet_hours=QuietHours.parse("off"),
    )
    keys = [f"m-{n}" for n in range(messages)]
    async with databases(pg_url, 3) as dbs, running_emulator() as emu:
        # Each worker keeps its own limiter, so the server's global limit is theirs added up.
        emu.set_limits(global_per_s=1200, per_chat_per_s=1)
        for n in range(messages):
            emu.open_chat(700_000 + n)
        await _enqueue(dbs[0], keys)
        async with AsyncExitStack() as stack:
            senders: list[Sender] = []
            for db in dbs:
                transport = await stack.enter_async_context(sending_transport("aiogram", emu))
                senders.append(make_sender(db, transport, config, SystemClock()))
            await asyncio.wait_for(asyncio.gather(*(s.drain() for s in senders)), 60)

        counts = delivered(emu)
        assert set(counts) == set(keys)
        assert [k for k, n in counts.items() if n != 1] == []
        assert_no_violations(emu)
        assert sum(s.stats.sent for s in senders) == messages
        # Each worker really took part: otherwise the test would not be about concurrency at all.
        assert all(s.stats.sent > 0 for s in senders), [s.stats.sent for s in senders]
        async with dbs[0].session() as session:
            statuses = set(await session.scalars(select(OutboxRow.status)))
        assert statuses == {OutboxStatus.SENT}


async def test_a_late_report_from_a_worker_that_lost_its_rows_changes_nothing(pg_url: str) -> None:
    async with databases(pg_url, 2) as (first, second):
        await _enqueue(first, ["m-0"])
        slow, fast = SqlDeliveryQueue(first.sessions), SqlDeliveryQueue(second.sessions)
        [item] = await slow.claim("slow", NOW, 1, NOW + timedelta(seconds=1))
        assert await fast.requeue_expired(NOW + timedelta(seconds=2)) == 1
        [again] = await fast.claim("fast", NOW + timedelta(seconds=2), 1, LEASE)
        await fast.record("fast", DeliveryReport(sent=[(again.id, 11)]), NOW)
        await slow.record("slow", DeliveryReport(failed=[(item.id, "too late")]), NOW)
        async with first.session() as session:
            row = (await session.scalars(select(OutboxRow))).one()
        assert (row.status, row.message_id, row.last_error) == (OutboxStatus.SENT, 11, None)


# --------------------------------------------------------------------------------- leader


class RecordedLeadership:
    """The advisory-lock leadership, remembering each answer it gave: proof that a scheduler really fired
    and was turned away, where the absence of its job's runs alone could also mean it never fired."""

    def __init__(self, inner: Leadership) -> None:
        self.inner = inner
        self.answers: list[bool] = []

    async def is_leader(self) -> bool:
        answer = await self.inner.is_leader()
        self.answers.append(answer)
        return answer

    async def resign(self) -> None:
        await self.inner.resign()


def _runner(database: Database, leadership: Leadership, job: Job) -> JobRunner:
    ctx = job_context(database.uow, SystemClock())
    return JobRunner(ctx, SHANGHAI, leadership, (job,))


async def test_only_the_lock_holder_ticks_and_another_takes_over_when_it_stops(pg_url: str) -> None:
    ran: list[str] = []

    def job_for(name: str) -> Job:
        async def tick(ctx: JobContext) -> None:
            ran.append(name)

        return Job("tick", "", tick, {"second": "*"})

    async with databases(pg_url, 2) as (first_db, second_db):
        first_job, second_job = job_for("first"), job_for("second")
        first_lead = RecordedLeadership(AdvisoryLockLeader(first_db.engine))
        second_lead = RecordedLeadership(AdvisoryLockLeader(second_db.engine))
        first, second = _runner(first_db, first_lead, first_job), _runner(second_db, second_lead, second_job)
        # Ticks called by hand: whoever asks first leads, the other is turned away every time.
        assert await first.tick(first_job)
        for _ in range(3):
            assert not await second.tick(second_job)
            assert await first.tick(first_job)
        assert ran == ["first"] * 4

        # The real schedulers, both firing every second: only the leader's job runs.
        ran.clear()
        second_lead.answers.clear()
        first.start()
        second.start()
        try:
            # A busy machine may fire a job late: wait for the ticks themselves, not for a time.
            await wait_until(
                lambda: len(ran) >= 2 and second_lead.answers.count(False) >= 2,
                message="the leader ticked twice while the other was turned away twice",
            )
            assert set(ran) == {"first"}, ran
            assert True not in second_lead.answers
            await first.stop()  # resigns: the lock is released
            ran.clear()
            await wait_until(lambda: bool(ran), message="nobody took over")
            assert set(ran) == {"second"}, ran
        finally:
            await first.stop()
            await second.stop()


async def test_a_leader_whose_process_died_is_replaced(pg_url: str) -> None:
    async with databases(pg_url, 2) as (first_db, second_db):
        first, second = AdvisoryLockLeader(first_db.engine), AdvisoryLockLeader(second_db.engine)
        assert await first.is_leader()
        assert not await second.is_leader()
        # The leader's process dies without resigning: the server ends its session, and the lock with it.
        async with second_db.session() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                )
            )
        await wait_until(second.is_leader, message="the second instance never took the lead")
        # The old leader notices its connection is gone and does not believe it still leads.
        assert not await first.is_leader()
        await first.resign()
        await second.resign()
