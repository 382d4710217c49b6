"""`retiree-bot worker`: the outbox sender and the periodic jobs, without handling updates.

Run as many as you like on PostgreSQL (they share the outbox through row locks; one of them, the advisory
lock holder, runs the periodic jobs). On SQLite run at most one, and it may run inside `retiree-bot run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from bot.actions import Action
from bot.clock import SystemClock
from bot.config import Settings, require_secret
from bot.events import Event
from handlers import create_transport
from scheduler.service import Background

from .wiring import open_database

log = logging.getLogger(__name__)


class NoUpdates:
    """The worker never polls, so the update pipeline never calls this."""

    async def handle(self, event: Event) -> Sequence[Action]:
        return ()


async def worker(settings: Settings, *, with_jobs: bool = True) -> None:
    token = require_secret(settings, "BOT_TOKEN")
    database = await open_database(settings)
    transport = create_transport(
        settings.bot_framework, token=token, api_base=settings.telegram_api_base, core=NoUpdates()
    )
    background = Background(settings, database, transport.messenger, SystemClock(), with_jobs=with_jobs)
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
        await transport.close()
        await database.dispose()
