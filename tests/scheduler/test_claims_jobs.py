"""The claims' jobs in the one registry, run from a JobContext: an unfinished death report's reminder."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.conversation import ConversationState
from bot.domain.outbox import MessageCategory
from bot.domain.people import AccountRole
from bot.services.claims import REPORT_FLOW
from scheduler.claims import unfinished_reports
from scheduler.jobs import JOBS
from tests.fakes import FakeClock, FakeDatabase
from tests.parts import job_context

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 2, 22, 50, tzinfo=SHANGHAI)  # quiet hours: the sender keeps it for the morning


def test_the_unfinished_report_job_runs_every_hour() -> None:
    job = next(j for j in JOBS if j.id == "claims-unfinished")
    assert job.func is unfinished_reports
    assert job.next_run(NOW + timedelta(minutes=1), SHANGHAI) == datetime(2027, 3, 2, 23, 50, tzinfo=SHANGHAI)


async def test_the_job_queues_one_notice_for_a_report_left_a_day() -> None:
    db = FakeDatabase()
    async with db.uow() as uow:
        account = await uow.accounts.get_or_create(77, 77, "en")
        await uow.accounts.set_role(account.id, AccountRole.FAMILY)
        await uow.conversations.save(
            77,
            77,
            ConversationState(REPORT_FLOW, "choose", {"started": (NOW - timedelta(hours=30)).isoformat()}),
        )
        await uow.conversations.save(
            78,
            78,
            ConversationState(REPORT_FLOW, "choose", {"started": (NOW - timedelta(hours=3)).isoformat()}),
        )
        await uow.commit()
    ctx = job_context(db.uow, FakeClock(NOW))
    await unfinished_reports(ctx)
    await unfinished_reports(ctx)
    queued = [m for k, m in db.state.outbox.items() if k.startswith("death-report-unfinished:")]
    assert [(m.chat_id, m.category, m.locale) for m in queued] == [(77, MessageCategory.NOTICE, "en")]
