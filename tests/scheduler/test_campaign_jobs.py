"""The certification jobs: registered in the one registry, run as idempotent scans from a JobContext."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.certification import CertMethod
from scheduler.certification import campaign_tick, certification_digest
from scheduler.context import JobContext
from scheduler.jobs import JOBS
from tests.fakes import FakeClock, FakeDatabase
from tests.parts import job_context
from tests.storage.certification_contract import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _context(db: FakeDatabase, moment: datetime) -> JobContext:
    return job_context(db.uow, FakeClock(moment))


def test_the_campaign_and_the_digest_are_in_the_registry() -> None:
    jobs = {job.id: job for job in JOBS}
    tick = jobs["certification"]
    digest = jobs["certification-digest"]
    assert tick.func is campaign_tick
    assert digest.func is certification_digest
    first = tick.next_run(datetime(2027, 2, 28, 23, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert first == datetime(2027, 3, 1, 9, 30, tzinfo=SHANGHAI)  # the reminders' time
    morning = digest.next_run(datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert morning == datetime(2027, 3, 1, 8, 30, tzinfo=SHANGHAI)


async def test_the_tick_job_queues_the_days_reminder_once() -> None:
    db = FakeDatabase()
    await build_world(db.uow)
    ctx = _context(db, datetime(2027, 3, 1, 9, 30, tzinfo=SHANGHAI))
    await campaign_tick(ctx)
    await campaign_tick(ctx)
    assert len([k for k in db.state.outbox if k.startswith("cert-rem:2027:1:")]) == 4


async def test_the_digest_goes_to_each_staff_member_once_a_day_with_their_units_counts() -> None:
    db = FakeDatabase()
    world = await build_world(db.uow)
    async with db.uow() as uow:
        await uow.certification.certify(
            world.retirees["a1"], "2027", CertMethod.IN_PERSON, datetime(2027, 3, 2, tzinfo=SHANGHAI), None
        )
        await uow.commit()
    ctx = _context(db, datetime(2027, 3, 3, 8, 30, tzinfo=SHANGHAI))
    await certification_digest(ctx)
    await certification_digest(ctx)
    digests = {m.account_id: m for k, m in db.state.outbox.items() if k.startswith("cert-digest:2027-03-03:")}
    assert set(digests) == {world.accounts["supervisor"], world.accounts["staff"]}
    supervisor = digests[world.accounts["supervisor"]].text or ""
    staff = digests[world.accounts["staff"]].text or ""
    assert "Pending: 4" in supervisor  # the street: a2, b1, e1, u1 (a1 certified; the deceased not counted)
    assert "Certified: 1" in supervisor
    assert "尚未认证：3人" in staff  # community A only: a2, e1, u1


async def test_before_the_campaign_a_digest_goes_only_where_there_is_something_to_do() -> None:
    db = FakeDatabase()
    world = await build_world(db.uow)
    january = datetime(2027, 1, 12, 8, 30, tzinfo=SHANGHAI)
    await certification_digest(_context(db, january))
    assert not [k for k in db.state.outbox if k.startswith("cert-digest:")]
    async with db.uow() as uow:
        await uow.certification.request_visit(world.retirees["a2"], "2027", january)
        await uow.commit()
    await certification_digest(_context(db, january))
    assert len([k for k in db.state.outbox if k.startswith("cert-digest:2027-01-12:")]) == 2
