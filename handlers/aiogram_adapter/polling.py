"""Long polling with aiogram's Bot: getUpdates in a loop, each update handed on in the order it came.

aiogram's Dispatcher fetches the same way, then runs every update through its routers, filters and
middlewares to reach the one handler we would register: time per update (docs/performance.md) for routing
the core does itself. Fetching is what this keeps of it, with aiogram's own backoff when a fetch fails, as
the Dispatcher does."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)
T = TypeVar("T")

# The Dispatcher's defaults: the first retry after a second, then longer, up to five.
FETCH_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


async def poll(
    bot: Bot,
    handle: Callable[[Update], Awaitable[None]],
    stop: asyncio.Event,
    *,
    poll_seconds: int,
    allowed_updates: Sequence[str],
) -> None:
    """Fetch updates until `stop` is set and hand each to `handle`, in order; a batch fetched is handled
    whole. Telegram forgets an update once a later fetch asks past it (`offset`), so one handed on but
    not yet confirmed when the bot stops comes again after a restart: the core skips what it handled."""
    backoff = Backoff(FETCH_BACKOFF)
    offset: int | None = None
    # The session's own timeout would cut a long poll short.
    request_timeout = int((bot.session.timeout or 0) + poll_seconds)
    while not stop.is_set():
        fetch = GetUpdates(offset=offset, timeout=poll_seconds, allowed_updates=list(allowed_updates))
        try:
            updates = await _until_stopped(bot(fetch, request_timeout=request_timeout), stop)
        except Exception as exc:  # a network error, a 5xx, a 409 while a webhook is set: all may pass
            delay = backoff.next_delay
            log.warning("getUpdates failed (%s: %s); retrying in %.1f s", type(exc).__name__, exc, delay)
            await _until_stopped(backoff.asleep(), stop)
            continue
        if updates is None:
            return
        backoff.reset()
        for update in updates:
            offset = update.update_id + 1
            await handle(update)


async def _until_stopped(work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """`work`'s result, or None once `stop` is set first; the work is cancelled if it is not done (also
    when whoever awaits this is cancelled)."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return None if task.cancelled() else task.result()
