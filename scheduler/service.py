"""Delivery and the periodic jobs, beside the bot (`retiree-bot run`) or alone (`retiree-bot worker`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.i18n import I18n
from bot.ports import Clock, Limiter, Messenger, StorageUnavailable
from bot.rendering import Renderer
from bot.services.certification_profile import CertificationProfile
from scheduler.budget import SenderLock
from scheduler.context import JobContext
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from scheduler.delivery.sender import new_worker_id
from scheduler.heartbeat import Heartbeat
from scheduler.leader import Leadership, leadership_for
from storage.database import Database
from storage.errors import is_unavailable
from storage.repositories.delivery_queue import SqlDeliveryQueue
from storage.repositories.instances import SqlInstances

if TYPE_CHECKING:
    from scheduler.jobs import Job

log = logging.getLogger(__name__)

# A tick missed by up to an hour (the process was busy or down) still runs once; older ones are dropped,
# and several missed ticks run as one (coalesce): the jobs are scans, so one run catches up on all of them.
MISFIRE_GRACE_S = 3600


def sender_config(settings: Settings) -> SenderConfig:
    return SenderConfig(
        limits=Limits(global_per_s=settings.delivery_rate),
        batch_size=settings.delivery_batch_size,
        concurrency=settings.delivery_concurrency,
        lease_s=settings.delivery_lease_seconds,
        poll_interval_s=settings.delivery_poll_seconds,
        send_timeout_s=settings.delivery_send_timeout_seconds,
        backoff=Backoff(
            base_s=settings.delivery_retry_base_seconds, max_attempts=settings.delivery_max_attempts
        ),
        quiet_hours=QuietHours.parse(settings.quiet_hours),
        time_zone=ZoneInfo(settings.timezone),
    )


def build_sender(
    settings: Settings,
    database: Database,
    messenger: Messenger,
    clock: Clock,
    i18n: I18n,
    *,
    worker_id: str | None = None,
    limiter: Limiter | None = None,
    guard: SenderLock | None = None,
) -> Sender:
    builder = ActionBuilder(i18n)
    return Sender(
        SqlDeliveryQueue(database.sessions),
        messenger,
        builder,
        clock,
        sender_config(settings),
        worker_id=worker_id,
        limiter=limiter,
        guard=guard,
    )


class JobRunner:
    """The registry's jobs on an APScheduler AsyncIOScheduler; each tick runs only on the leader."""

    def __init__(
        self, ctx: JobContext, tz: ZoneInfo, leadership: Leadership, jobs: tuple[Job, ...] | None = None
    ) -> None:
        if jobs is None:
            # The registry imports every feature's services; a sending-only worker never needs them.
            from scheduler.jobs import JOBS

            jobs = JOBS
        self._ctx = ctx
        self._leadership = leadership
        self._database_away = False
        self._jobs = jobs
        self.scheduler = AsyncIOScheduler(
            timezone=tz,
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_S, "max_instances": 1},
        )
        for job in jobs:
            self.scheduler.add_job(self.tick, trigger=job.trigger(tz), args=[job], id=job.id, name=job.id)

    async def tick(self, job: Job) -> bool:
        """Run `job` if this instance leads; True if it ran and finished without error."""
        try:
            if not await self._leadership.is_leader():
                return False
            await job.func(self._ctx)
        except Exception as exc:
            # One failing job must not stop the scheduler (nor the next tick of the same job).
            if not (isinstance(exc, StorageUnavailable) or is_unavailable(exc)):
                log.exception("job %s failed", job.id)
            elif not self._database_away:
                self._database_away = True
                log.warning("job %s skipped: the database does not answer (jobs resume when it does)", job.id)
            return False
        self._database_away = False
        return True

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self._leadership.resign()


class Background:
    """The outbox sender plus the periodic jobs, started and stopped together, and the heartbeat that tells
    `retiree-bot doctor` this process (`role`: "run" or "worker") is alive.

    `bot` (the bot's id) and `limiter` say whose budget the sender spends and how: a shared limiter
    (Redis) for every sender of the bot, or one of this process's own (given, so that `run`'s replies
    draw on it too; when None, the sender makes one), which on PostgreSQL requires it to be the bot's
    only sender (scheduler.budget): `open()` refuses to start otherwise."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        messenger: Messenger,
        clock: Clock,
        *,
        i18n: I18n,
        profile: CertificationProfile,
        with_jobs: bool = True,
        role: str = "run",
        bot: int | None = None,
        limiter: Limiter | None = None,
        worker_id: str | None = None,
        closers: tuple[Callable[[], Awaitable[object]], ...] = (),
    ) -> None:
        worker_id = worker_id or new_worker_id()
        shared = limiter is not None and limiter.shared
        self.lock = (
            SenderLock(database.engine, bot, shared=shared)
            if bot is not None and database.engine.dialect.name == "postgresql"
            else None
        )
        self.sender = build_sender(
            settings, database, messenger, clock, i18n, worker_id=worker_id, limiter=limiter, guard=self.lock
        )
        self._closers = closers
        ctx = JobContext(
            uow=database.uow,
            clock=clock,
            settings=settings,
            i18n=i18n,
            renderer=Renderer(i18n),
            profile=profile,
        )
        tz = ZoneInfo(settings.timezone)
        self.leadership = leadership_for(database.engine)
        self.jobs = JobRunner(ctx, tz, self.leadership) if with_jobs else None
        self.heartbeat = Heartbeat(
            SqlInstances(database.sessions),
            clock,
            instance_id=self.sender.worker_id,
            role=role,
            runs_jobs=with_jobs,
            sender=self.sender,
            leads=(lambda: self.leadership.leads) if with_jobs else None,
            budget="shared" if shared else "local",
        )
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def open(self) -> None:
        """Take this sender's place in its bot's budget; BudgetTaken (with what to set) if another sender
        spends it in a way this one cannot share."""
        if self.lock is not None:
            await self.lock.take()

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.sender.run(self._stop), name="outbox-sender"),
            asyncio.create_task(self.heartbeat.run(self._stop), name="heartbeat"),
        ]
        if self.jobs is not None:
            self.jobs.start()

    async def stop(self) -> None:
        self._stop.set()
        if self.jobs is not None:
            await self.jobs.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.lock is not None:
            await self.lock.release()
        closers, self._closers = self._closers, ()
        for close in closers:
            try:
                await close()
            except Exception:
                log.debug("closing a background resource failed", exc_info=True)
