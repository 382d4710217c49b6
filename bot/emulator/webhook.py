"""Webhook delivery: POST each pending update, in order, to the bot's URL; retry with backoff.

One task per bot so a slow or failing bot never holds up the emulator or other bots. An update
leaves the queue only once the bot answered 2xx, so deleting the webhook hands undelivered
updates over to getUpdates, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import aiohttp

from bot.emulator.bots import BotState
from bot.emulator.world import now

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_BACKOFF_START = 0.05
_BACKOFF_MAX = 1.0


def webhook_url_problem(url: str) -> str | None:
    """Why this URL cannot be a webhook here (None if it can): http(s) on a loopback host only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "bad webhook: An HTTP(S) URL must be provided for webhook"
    host = parts.hostname
    if host == "localhost":
        return None
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return "bad webhook: the emulator only delivers to loopback addresses (127.0.0.1, ::1, localhost)"
    return None


class WebhookDeliverer:
    def __init__(self, session_factory: SessionFactory, on_delivered: Callable[[], None]) -> None:
        self._session_factory = session_factory
        self._on_delivered = on_delivered
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.delivered = 0

    def ensure(self, bot: BotState) -> None:
        key = id(bot)
        task = self._tasks.get(key)
        if task is None or task.done():
            self._tasks[key] = asyncio.create_task(self._run(bot), name=f"emulator-webhook-{bot.bot_id}")
        bot.webhook_changed.set()

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, bot: BotState) -> None:
        backoff = _BACKOFF_START
        while True:
            webhook = bot.webhook
            if webhook is None or not bot.pending:
                bot.webhook_changed.clear()
                await bot.webhook_changed.wait()
                continue
            update_id, update = bot.pending[0]
            headers = {"Content-Type": "application/json"}
            if webhook.secret_token:
                headers[SECRET_HEADER] = webhook.secret_token
            error: str | None = None
            try:
                session = await self._session_factory()
                async with session.post(
                    webhook.url, data=json.dumps(update, ensure_ascii=False), headers=headers
                ) as response:
                    await response.read()
                    if response.status >= 300:
                        error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            if error is None:
                backoff = _BACKOFF_START
                self.delivered += 1
                bot.handed_out = max(bot.handed_out, update_id)
                if bot.pending and bot.pending[0][0] == update_id:
                    bot.pending.popleft()
                self._on_delivered()
                continue
            webhook.last_error_date = now()
            webhook.last_error_message = error
            log.debug("webhook delivery of update %s failed: %s", update_id, error)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _BACKOFF_MAX)


class SessionFactory:
    """One lazily created client session for all deliveries."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
