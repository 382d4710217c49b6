"""`retiree-bot worker`: the outbox sender and the periodic jobs, without handling updates.

Run as many as you like on PostgreSQL (they share the outbox through row locks; one of them, the advisory
lock holder, runs the periodic jobs). On SQLite run at most one, and it may run inside `retiree-bot run`.

The worker loads only what sending needs: no bot core, no knowledge base, no spreadsheet reader, and one
Telegram framework (the configured one). `--drain` sends what is due and exits, printing what it did and
the process's peak memory as JSON (`retiree-bot bench delivery` measures the sender's memory that way).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.actions import Action
from bot.clock import SystemClock
from bot.config import Settings, require_secret
from bot.events import Event
from bot.memory import peak_rss_mb, settle_heap

if TYPE_CHECKING:
    from scheduler.service import Background

log = logging.getLogger(__name__)


class NoUpdates:
    """The worker never polls, so the update pipeline never calls this."""

    async def handle(self, event: Event) -> Sequence[Action]:
        return ()


async def worker(settings: Settings, *, with_jobs: bool = True, drain: bool = False) -> None:
    from handlers import create_transport

    from .database import open_database
    from .parts import build_background, open_background, sending_budget, shared_parts

    token = require_secret(settings, "BOT_TOKEN")
    database = await open_database(settings)
    transport = create_transport(
        settings.bot_framework, token=token, api_base=settings.telegram_api_base, core=NoUpdates()
    )
    background = build_background(
        settings,
        database,
        transport.messenger,
        SystemClock(),
        shared_parts(settings),
        sending_budget(settings, token),
        with_jobs=with_jobs and not drain,
        role="worker",
    )
    settle_heap()
    try:
        await open_background(background)
        if drain:
            started = time.perf_counter()
            await background.sender.drain()
            stats = background.sender.stats
            report = {
                "framework": str(settings.bot_framework),
                "sent": stats.sent,
                "failed": stats.failed,
                "unreachable": stats.unreachable,
                "seconds": round(time.perf_counter() - started, 2),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
            print(json.dumps(report), flush=True)
            await background.stop()
        else:
            await _serve(settings, background)
    finally:
        await transport.close()
        await database.dispose()


async def _serve(settings: Settings, background: Background) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info(
        "worker %s sending at up to %g/s (%s)",
        background.sender.worker_id,
        settings.delivery_rate,
        settings.bot_framework,
    )
    try:
        background.start()
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)
        await background.stop()
