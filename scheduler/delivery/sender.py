"""The delivery worker: claims due outbox rows and sends them through the Messenger, within Telegram's
limits. See scheduler/delivery/__init__.py for the guarantees (and the one bounded exception to them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.outbox import DeliveryReport, OutboxItem
from bot.ports import (
    Clock,
    DeliveryError,
    Limiter,
    Messenger,
    RateLimited,
    RecipientBlocked,
    TransientError,
)
from scheduler.delivery.limiter import Limits, SendingStopped, SendLimiter
from scheduler.delivery.queue import DeliveryQueue
from scheduler.delivery.render import ActionBuilder, Unrenderable
from scheduler.delivery.timing import Backoff, QuietHours, quiet_until

log = logging.getLogger(__name__)

# After this many 429s in a row for one message it goes back to the queue with a backoff, so one stubborn
# chat cannot keep a worker forever.
_MAX_RATE_LIMITED_IN_A_ROW = 10


@dataclass(frozen=True, slots=True)
class SenderConfig:
    limits: Limits = field(default_factory=Limits)
    batch_size: int = 100  # also the bound on messages a crash can repeat (see the package docstring)
    concurrency: int = 16  # chats sent to at once
    lease_s: float = 60.0
    poll_interval_s: float = 1.0
    send_timeout_s: float = 15.0
    flush_interval_s: float = 0.2
    backoff: Backoff = field(default_factory=Backoff)
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))


@dataclass(slots=True)
class SenderStats:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    unreachable: int = 0
    quiet: int = 0
    rate_limited: int = 0
    released: int = 0
    requeued_expired: int = 0


class ClaimGuard(Protocol):
    async def holds(self) -> bool:
        """Whether this sender may claim rows now (scheduler.budget.SenderLock)."""
        ...


@dataclass(frozen=True, slots=True)
class _Blocked:
    """The recipient blocked the bot."""

    reason: str


class _After(Enum):
    """What becomes of a chat's next messages once one was tried (or _Blocked)."""

    NEXT = "next"  # settled: on to the chat's next message
    HOLD = "hold"  # to be retried later: the chat's next messages must not overtake it


_Then = _After | _Blocked


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Sender:
    def __init__(
        self,
        queue: DeliveryQueue,
        messenger: Messenger,
        builder: ActionBuilder,
        clock: Clock,
        config: SenderConfig | None = None,
        *,
        worker_id: str | None = None,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        limiter: Limiter | None = None,
        guard: ClaimGuard | None = None,
    ) -> None:
        """`limiter`: the budget this sender shares with the other senders of its bot (Redis); by
        default a SendLimiter of its own, for a process that sends alone. `guard`: asked before each
        claim whether this sender may still send (it lost its sender lock to another one)."""
        self.config = config or SenderConfig()
        self.worker_id = worker_id or new_worker_id()
        self.stats = SenderStats()
        self.limiter: Limiter = limiter or SendLimiter(self.config.limits, monotonic)
        self._queue = queue
        self._messenger = messenger
        self._builder = builder
        self._clock = clock
        self._guard = guard
        self._database_away_since: float | None = None
        self.last_claimed_at: datetime | None = None  # when a claim last brought rows (doctor, jobs)
        self.last_sent_at: datetime | None = None
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._chats: dict[int, deque[OutboxItem]] = {}
        self._ready: asyncio.Queue[int] = asyncio.Queue()
        self._report = DeliveryReport()
        self._outstanding = 0  # claimed and not yet recorded: the crash bound
        self._held: set[int] = set()  # the ids of those rows, whose lease is renewed while held
        # Chats whose message went to retry or met a block, not yet recorded: until it is, the queue
        # cannot hold their next messages back (the row is still this worker's), so this worker does.
        self._unsettled: set[int] = set()
        self._recorded = asyncio.Event()
        self._reported = asyncio.Event()
        self._claimer_needs_record = asyncio.Event()  # enough results wait for the claimer to go on
        self._stopping = False
        self._stop = asyncio.Event()
        self._claiming = False  # a claim statement is in flight
        self._claim_lost = False  # a claim failed: the server may have committed it all the same
        self._last_requeue = float("-inf")

    # ------------------------------------------------------------------------------ running
    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; then release what was claimed but not tried, and record it all."""
        await self._run(stop.wait())

    async def drain(self, *, horizon_s: float = 0.0, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Deliver until nothing is being sent and nothing is due within `horizon_s` seconds (retries
        waiting out a backoff shorter than that are waited for). For tests, benchmarks and one-off runs."""

        async def idle() -> None:
            while True:
                await asyncio.sleep(max(self.config.poll_interval_s, 0.02))
                # A claim in flight has already taken rows out of the due set without counting them yet.
                if not self._claiming and self._outstanding == 0 and self._ready.empty():
                    horizon = self._clock.now() + timedelta(seconds=horizon_s)
                    if await self._queue.due_by(horizon) == 0:
                        return

        if timeout is None:
            await self._run(idle())
        else:
            await self._run(asyncio.wait_for(idle(), timeout))

    async def _run(self, until: Awaitable[object]) -> None:
        self._stopping = False
        self._stop = asyncio.Event()
        workers = [asyncio.create_task(self._work()) for _ in range(max(1, self.config.concurrency))]
        claimer = asyncio.create_task(self._claim_loop())
        recorder = asyncio.create_task(self._record_loop())
        renewer = asyncio.create_task(self._renew_loop())
        try:
            await until
        finally:
            # The loops are asked to stop, never cancelled: cancelling one in the middle of a statement
            # would leave claimed rows uncounted (sent only after their lease runs out) and its
            # connection in an unknown state.
            self._stopping = True
            self._stop.set()
            self._recorded.set()  # wakes a claimer waiting for room
            self._claimer_needs_record.set()  # and a recorder letting results gather
            await asyncio.gather(claimer, renewer, return_exceptions=True)
            for _ in workers:
                self._ready.put_nowait(0)  # wakes idle workers so they notice the stop
            await asyncio.gather(*workers, return_exceptions=True)
            self._release_unsent()
            self._reported.set()
            await asyncio.gather(recorder, return_exceptions=True)
            if not await self._flush():
                # The rows stay `sending` under this worker's lease: when it runs out they are sent
                # again (the documented at-least-once path, bounded by the batch size).
                log.error("stopped with %d delivery results unrecorded", len(self._report))

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the sender stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    # ------------------------------------------------------------------------------ claiming
    async def _claim_loop(self) -> None:
        retry_s = max(self.config.poll_interval_s, 0.5)
        while not self._stopping:
            try:
                await self._claim_once()
            except Exception as exc:
                # The database went away (a restart, a network cut): keep the worker alive, say so once,
                # and try again with a growing pause; the pool's pre-ping replaces dead connections.
                self._database_failed(exc)
                await self._pause(retry_s)
                retry_s = min(retry_s * 2, 10.0)
            else:
                retry_s = max(self.config.poll_interval_s, 0.5)

    def _database_failed(self, exc: Exception) -> None:
        if self._database_away_since is None:
            self._database_away_since = self._monotonic()
            log.warning(
                "the database does not answer (%s); delivery waits for it, keeping what it has sent "
                "to record then",
                type(exc).__name__,
            )
        else:
            log.debug("the database still does not answer", exc_info=exc)

    def _database_answered(self) -> None:
        if self._database_away_since is not None:
            log.warning(
                "the database answers again after %.1fs: delivery resumes",
                self._monotonic() - self._database_away_since,
            )
            self._database_away_since = None

    async def _claim_once(self) -> None:
        cfg = self.config
        if self._monotonic() - self._last_requeue >= cfg.lease_s / 4:
            self._last_requeue = self._monotonic()
            requeued = await self._queue.requeue_expired(self._clock.now())
            if requeued:
                self.stats.requeued_expired += requeued
                log.warning("requeued %d messages whose worker's lease ran out", requeued)
        if self._claim_lost:
            lost = await self._queue.requeue_unheld(self.worker_id, sorted(self._held))
            self._claim_lost = False
            if lost:
                log.warning("requeued %d messages a claim took as the database went away", lost)
        if self._stopping:
            return
        if self._guard is not None and not await self._guard.holds():
            await self._pause(max(cfg.poll_interval_s, 1.0))
            return
        room = cfg.batch_size - self._outstanding
        if room < max(1, cfg.batch_size // 2):
            self._recorded.clear()
            await self._recorded.wait()
            return
        now = self._clock.now()
        self._claiming = True
        try:
            items = await self._queue.claim(self.worker_id, now, room, now + timedelta(seconds=cfg.lease_s))
        except Exception:
            self._claim_lost = True
            raise
        else:
            self._outstanding += len(items)
            self._database_answered()
        finally:
            self._claiming = False
        if not items:
            await self._pause(cfg.poll_interval_s)
            return
        self._held.update(item.id for item in items)
        self.stats.claimed += len(items)
        self.last_claimed_at = now
        for item in items:
            held = quiet_until(item.category, now, item.time_zone, cfg.time_zone, cfg.quiet_hours)
            if held is not None:
                self.stats.quiet += 1
                self._report.quiet.append((item.id, held))
                self._note_reported()
                continue
            if item.chat_id in self._unsettled:
                self._release(item)  # claimed again behind the retry, once recorded
                self._note_reported()
                continue
            chat = self._chats.get(item.chat_id)
            if chat is None:
                self._chats[item.chat_id] = deque([item])
                self._ready.put_nowait(item.chat_id)
            else:
                chat.append(item)  # a worker is on this chat: it sends this one after the others

    async def _renew_loop(self) -> None:
        """Renew the lease of the rows this worker holds, well before it runs out: a worker slowed down
        (a 429 pause, a slow network) must not see its own rows requeued and sent twice."""
        cfg = self.config
        while not self._stopping:
            await self._pause(cfg.lease_s / 4)
            if self._stopping or not self._held:
                continue
            try:
                until = self._clock.now() + timedelta(seconds=cfg.lease_s)
                await self._queue.extend(self.worker_id, sorted(self._held), until)
            except Exception as exc:
                self._database_failed(exc)
            else:
                self._database_answered()

    # ------------------------------------------------------------------------------ sending
    async def _work(self) -> None:
        while not self._stopping:
            chat_id = await self._ready.get()
            if self._stopping:
                return
            chat = self._chats.get(chat_id)
            while chat and not self._stopping:
                item = chat[0]
                try:
                    then = await self._deliver(item)
                except SendingStopped:
                    return  # not tried: the item stays first in its chat's queue and is released
                chat.popleft()
                if then is not _After.NEXT:
                    self._unsettled.add(chat_id)
                    if chat:
                        self._set_aside(chat, then)
            if not chat:
                self._chats.pop(chat_id, None)

    def _set_aside(self, chat: deque[OutboxItem], then: _Then) -> None:
        """The messages behind one that was not delivered are not sent now: for a recipient who blocked
        us, never (storage closes every other waiting message of theirs too); behind a retry, they go
        back to the queue, and claims hold them until the retried one has gone (the chat's order)."""
        while chat:
            waiting = chat.popleft()
            if isinstance(then, _Blocked):
                self._report.unreachable.append((waiting.id, then.reason))
            else:
                self._release(waiting)
        self._note_reported()

    async def _deliver(self, item: OutboxItem) -> _Then:
        """Send one message, report its outcome, and say what becomes of the chat's next messages."""
        try:
            action = self._builder.build(item)
        except Unrenderable as exc:
            self._fail(item, str(exc))
            return _After.NEXT
        rate_limited = 0
        while True:
            try:
                # asyncio.timeout, not wait_for: no task of its own per message.
                async with (
                    self.limiter.slot(item.chat_id, self._stop),
                    asyncio.timeout(self.config.send_timeout_s),
                ):
                    message_id = await self._messenger.execute(action)
            except SendingStopped:
                raise
            except RateLimited as exc:
                self.stats.rate_limited += 1
                rate_limited += 1
                self.limiter.pause(exc.retry_after)
                log.warning("Telegram asked to wait %.1fs (429); all sending paused", exc.retry_after)
                if rate_limited >= _MAX_RATE_LIMITED_IN_A_ROW:
                    return self._retry(item, exc.description)
                continue
            except RecipientBlocked as exc:
                self.stats.unreachable += 1
                self._report.unreachable.append((item.id, exc.description))
                self._note_reported()
                return _Blocked(exc.description)
            except TransientError as exc:
                return self._retry(item, exc.description)
            except TimeoutError:
                return self._retry(item, f"no answer within {self.config.send_timeout_s:g}s")
            except DeliveryError as exc:
                self._fail(item, exc.description)
            except Exception as exc:
                # Not one of ours: most likely a network error the framework did not wrap. Retrying is
                # safe (the backoff gives up eventually) and keeps one odd failure from losing a message.
                log.exception("unexpected error sending outbox row %d", item.id)
                return self._retry(item, f"{type(exc).__name__}: {exc}")
            else:
                self.stats.sent += 1
                self.last_sent_at = self._clock.now()
                self._report.sent.append((item.id, message_id))
                self._note_reported()
            return _After.NEXT

    def _retry(self, item: OutboxItem, reason: str) -> _Then:
        attempt = item.attempts + 1
        backoff = self.config.backoff
        if backoff.gives_up(attempt):
            self._fail(item, f"gave up after {attempt} attempts: {reason}")
            return _After.NEXT
        self.stats.retried += 1
        when = self._clock.now() + timedelta(seconds=backoff.delay(attempt, self._rng))
        self._report.retry.append((item.id, when, reason))
        self._note_reported()
        return _After.HOLD

    def _fail(self, item: OutboxItem, reason: str) -> None:
        self.stats.failed += 1
        log.warning("outbox row %d failed for good: %s", item.id, reason)
        self._report.failed.append((item.id, reason))
        self._note_reported()

    def _release_unsent(self) -> None:
        for chat in self._chats.values():
            while chat:
                self._release(chat.popleft())
        self._chats.clear()

    def _release(self, item: OutboxItem) -> None:
        """Back to the queue, not tried, once recorded."""
        self.stats.released += 1
        self._report.released.append(item.id)

    # ------------------------------------------------------------------------------ recording
    async def _record_loop(self) -> None:
        cfg = self.config
        retry_s = max(cfg.flush_interval_s, 0.5)
        while not self._stopping:
            await self._reported.wait()
            # Let a few more results gather: one transaction for many rows is much cheaper than many.
            # But no longer than until the claimer could go on: it claims again only once half a
            # batch of its rows is recorded.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(cfg.flush_interval_s):
                    await self._claimer_needs_record.wait()
            self._claimer_needs_record.clear()
            self._reported.clear()
            if await self._flush():
                retry_s = max(cfg.flush_interval_s, 0.5)
            else:
                self._reported.set()  # what was kept is tried again after a pause
                await self._pause(retry_s)
                retry_s = min(retry_s * 2, 10.0)

    def _note_reported(self) -> None:
        self._reported.set()
        if len(self._report) >= max(1, self.config.batch_size // 2):
            self._claimer_needs_record.set()

    async def _flush(self) -> bool:
        """Record what was reported; False when the database did not take it (it is kept for the next
        flush: the rows stay `sending` under this worker's lease, renewed meanwhile, so they are neither
        sent again nor lost unless the outage outlasts the lease)."""
        report, self._report = self._report, DeliveryReport()
        if not len(report):
            return True
        settling = set(self._unsettled)  # their outcomes are in `report`
        try:
            await self._queue.record(self.worker_id, report, self._clock.now())
        except Exception as exc:
            self._report = _merged(report, self._report)
            self._database_failed(exc)
            return False
        self._database_answered()
        self._outstanding -= len(report)
        self._held.difference_update(_ids(report))
        self._unsettled -= settling
        self._recorded.set()
        return True


def _merged(first: DeliveryReport, then: DeliveryReport) -> DeliveryReport:
    merged = DeliveryReport()
    for part in fields(DeliveryReport):
        getattr(merged, part.name).extend([*getattr(first, part.name), *getattr(then, part.name)])
    return merged


def _ids(report: DeliveryReport) -> list[int]:
    return [
        *(i for i, _ in report.sent),
        *(i for i, _ in report.failed),
        *(i for i, _, _ in report.retry),
        *(i for i, _ in report.quiet),
        *(i for i, _ in report.unreachable),
        *report.released,
    ]
