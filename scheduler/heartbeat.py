"""The heartbeat of a `run` or `worker` process: its row in `instances`, written every HEARTBEAT_SECONDS and
deleted when it stops cleanly, so that `retiree-bot doctor` can tell which processes are alive, which of
them run the periodic jobs, and which stopped without a clean exit (crashed, killed, or hung)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.ports import Clock
from storage.repositories.instances import Instance, SqlInstances

if TYPE_CHECKING:
    from scheduler.delivery.sender import Sender

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30.0
# Three missed beats (a SQLite write can wait up to 15 s for the lock): the process is dead or hangs.
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
# How long the row of a dead process stays visible to doctor.
FORGET_AFTER = timedelta(days=1)


class Heartbeat:
    def __init__(
        self,
        instances: SqlInstances,
        clock: Clock,
        *,
        instance_id: str,
        role: str,
        runs_jobs: bool,
        interval_s: float = HEARTBEAT_SECONDS,
        sender: Sender | None = None,
        leads: Callable[[], bool] | None = None,
        budget: str = "local",
    ) -> None:
        """`sender` and `leads`, when given, are read at each beat: what it sent and claimed last,
        whether this instance leads the periodic jobs. `budget`: "shared" (Redis) or "local"."""
        self._failing = False
        self._sender = sender
        self._leads = leads
        self._instances = instances
        self._clock = clock
        self._interval_s = interval_s
        now = clock.now()
        self._instance = Instance(
            id=instance_id,
            role=role,
            host=socket.gethostname(),
            pid=os.getpid(),
            runs_jobs=runs_jobs,
            started_at=now,
            seen_at=now,
            budget=budget,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Beat until `stop` is set, then remove this instance's row."""
        try:
            while not stop.is_set():
                await self.beat()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._interval_s)
        finally:
            try:
                await self._instances.remove(self._instance.id)
            except Exception as exc:  # it then shows as stopped without a clean exit: the lesser evil
                log.warning("could not remove this instance's heartbeat (%s)", type(exc).__name__)

    def status(self, now: datetime) -> Instance:
        instance = replace(self._instance, seen_at=now)
        if self._leads is not None:
            instance = replace(instance, leads=self._leads())
        if self._sender is not None:
            sender = self._sender
            instance = replace(
                instance,
                sent=sender.stats.sent,
                last_claimed_at=sender.last_claimed_at,
                last_sent_at=sender.last_sent_at,
            )
        return instance

    async def beat(self) -> None:
        now = self._clock.now()
        try:
            await self._instances.beat(self.status(now))
            forgotten = await self._instances.forget_before(now - FORGET_AFTER)
        except Exception as exc:  # the database is away; the sender and the jobs say so too
            if not self._failing:
                log.warning("heartbeat not recorded (%s); trying at each beat", type(exc).__name__)
            self._failing = True
            return
        self._failing = False
        if forgotten:
            log.info("forgot %d instances not seen for %s", forgotten, FORGET_AFTER)
