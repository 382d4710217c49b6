"""Of several schedulers on one PostgreSQL database only the holder of the advisory lock runs the periodic
ticks (scheduler/leader.py), until it stops, or its process dies, and another takes over."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.clock import SystemClock
from scheduler.context import JobContext
from scheduler.jobs import Job
from scheduler.leader import AdvisoryLockLeader, Leadership
from scheduler.service import JobRunner
from storage.database import Database
from tests.backends import one_database_per_worker
from tests.parts import job_context
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres

SHANGHAI = ZoneInfo("Asia/Shanghai")


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


async def test_only_the_lock_holder_ticks_and_another_takes_over_when_it_stops(postgres_url: str) -> None:
    ran: list[str] = []

    def job_for(name: str) -> Job:
        async def tick(ctx: JobContext) -> None:
            ran.append(name)

        return Job("tick", "", tick, {"second": "*"})

    async with one_database_per_worker(postgres_url, 2) as (first_db, second_db):
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


async def test_a_leader_whose_process_died_is_replaced(postgres_url: str) -> None:
    async with one_database_per_worker(postgres_url, 2) as (first_db, second_db):
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
