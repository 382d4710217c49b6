"""THE registry of periodic jobs. A feature adds its job with one line in JOBS; nothing else registers jobs.

A job is `async def job(ctx: JobContext) -> None`: an idempotent scan of database state (a missed or a
repeated tick is harmless), which enqueues any message it causes in the same unit of work (bot.ports.Outbox
with a dedupe key). Cron fields are in TIMEZONE. With several instances on PostgreSQL only the leader
(scheduler.leader) runs them; every instance sends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from apscheduler.triggers.cron import CronTrigger

from scheduler.activities import activity_reminders, notice_progress, offer_expiry
from scheduler.certification import campaign_tick, certification_digest
from scheduler.claims import claims_escalation, unfinished_reports
from scheduler.context import JobContext
from scheduler.housekeeping import housekeeping
from scheduler.questions import escalation_job

JobFunc = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    description: str
    func: JobFunc
    cron: Mapping[str, str | int] = field(default_factory=dict)  # CronTrigger fields: hour, minute, ...

    def trigger(self, tz: tzinfo) -> CronTrigger:
        return CronTrigger(timezone=tz, **dict(self.cron))

    def next_run(self, now: datetime, tz: tzinfo) -> datetime | None:
        fire: datetime | None = self.trigger(tz).get_next_fire_time(None, now.astimezone(tz))
        return fire


JOBS: tuple[Job, ...] = (
    Job(
        "housekeeping",
        "prune processed update ids (>3 days) and login attempts (>1 day)",
        housekeeping,
        {"hour": 3, "minute": 17},
    ),
    Job("questions", "escalate questions unanswered for 24 hours", escalation_job, {"minute": "*/15"}),
    # Reminders go out at 09:30; the later runs of the day catch retirees who registered since, and
    # escalations and suspension fall on their dates. A repeated run enqueues nothing twice.
    Job(
        "certification",
        "certification campaign: reminders, escalations, suspension",
        campaign_tick,
        {"hour": "9-17", "minute": 30},
    ),
    Job(
        "certification-digest",
        "staff's daily certification digest",
        certification_digest,
        {"hour": 8, "minute": 30},
    ),
    Job(
        "claims",
        "claims untouched for the region's working days go to the supervisor",
        claims_escalation,
        {"hour": "9-17", "minute": 45},
    ),
    Job(
        "claims-unfinished",
        "one gentle reminder of a death report left unfinished for 24 hours",
        unfinished_reports,
        {"minute": 50},
    ),
    Job(
        "offer-expiry",
        "activity places offered and not taken in time go to the next in line",
        offer_expiry,
        {"minute": "*/5"},
    ),
    # Queued for the profile's hour the day before; the later runs catch sign-ups made since.
    Job(
        "activity-reminders",
        "remind those coming to tomorrow's activities",
        activity_reminders,
        {"hour": "8-20", "minute": 7},
    ),
    Job(
        "notice-progress",
        "edit each notice's progress message as its batch goes out",
        notice_progress,
        {"second": "*/10"},
    ),
)


def job_table(now: datetime, tz: tzinfo, jobs: tuple[Job, ...] = JOBS) -> list[dict[str, str]]:
    """What `retiree-bot jobs` prints: each job with its schedule and next run time."""
    rows = []
    for job in jobs:
        upcoming = job.next_run(now, tz)
        rows.append(
            {
                "id": job.id,
                "schedule": " ".join(f"{k}={v}" for k, v in job.cron.items()) or "every minute",
                "next_run": upcoming.isoformat(timespec="minutes") if upcoming else "never",
                "description": job.description,
            }
        )
    return rows
