from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.context import JobContext
from scheduler.housekeeping import housekeeping
from scheduler.jobs import JOBS, Job, job_table
from scheduler.leader import AlwaysLeader
from scheduler.service import JobRunner
from tests.fakes import FakeClock, FakeDatabase
from tests.parts import job_context

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _context(db: FakeDatabase, clock: FakeClock) -> JobContext:
    return job_context(db.uow, clock)


def test_every_job_is_registered_once_with_a_working_schedule() -> None:
    ids = [job.id for job in JOBS]
    assert len(ids) == len(set(ids))
    assert "housekeeping" in ids
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    for row in job_table(now, SHANGHAI):
        assert row["next_run"] != "never"


def test_next_run_is_in_the_configured_zone() -> None:
    job = next(j for j in JOBS if j.id == "housekeeping")
    upcoming = job.next_run(datetime(2025, 3, 1, 12, 0, tzinfo=UTC), SHANGHAI)  # 20:00 in Shanghai
    assert upcoming is not None
    assert upcoming.utcoffset() == timedelta(hours=8)
    assert (upcoming.hour, upcoming.minute) == (3, 17)


async def test_housekeeping_prunes_old_update_ids_and_login_attempts() -> None:
    db = FakeDatabase()
    clock = FakeClock(datetime(2025, 3, 10, tzinfo=UTC))
    async with db.uow() as uow:
        await uow.updates.claim(1, clock.now() - timedelta(days=4))
        await uow.updates.claim(2, clock.now() - timedelta(days=2))
        await uow.login_attempts.record_failure(9, clock.now() - timedelta(days=2))
        await uow.login_attempts.record_failure(9, clock.now() - timedelta(hours=2))
        await uow.commit()
    await housekeeping(_context(db, clock))
    assert db.state.updates == {2}
    assert [at for _, at in db.state.failures] == [clock.now() - timedelta(hours=2)]


class NotLeader:
    async def is_leader(self) -> bool:
        return False

    async def resign(self) -> None:
        return None


async def test_only_the_leader_runs_a_tick_and_a_failing_job_is_contained() -> None:
    ran: list[str] = []

    async def works(ctx: JobContext) -> None:
        ran.append("works")

    async def breaks(ctx: JobContext) -> None:
        raise RuntimeError("boom")

    jobs = (Job("works", "", works, {"minute": 0}), Job("breaks", "", breaks, {"minute": 0}))
    ctx = _context(FakeDatabase(), FakeClock())
    follower = JobRunner(ctx, SHANGHAI, NotLeader(), jobs)
    assert not await follower.tick(jobs[0])
    assert ran == []
    leader = JobRunner(ctx, SHANGHAI, AlwaysLeader(), jobs)
    assert await leader.tick(jobs[0])
    assert not await leader.tick(jobs[1])
    assert ran == ["works"]
    leader.start()
    assert {job.id for job in leader.scheduler.get_jobs()} == {"works", "breaks"}
    await leader.stop()
