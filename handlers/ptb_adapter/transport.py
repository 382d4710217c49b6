"""python-telegram-bot 22 transport: an Application whose single TypeHandler hands every update to the
shared pipeline. PTB's own run_polling/run_webhook own the event loop, so the Application is driven
step by step (initialize, start, updater) inside ours."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken as PtbInvalidToken
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.ports import DeliveryError, Limiter, RateLimited, TransientError
from handlers.pipeline import DEFAULT_CORE_CONCURRENCY, Core, UpdatePipeline
from handlers.ptb_adapter.messenger import PtbMessenger, retry_seconds
from handlers.transport_base import (
    ALLOWED_UPDATES,
    BotIdentity,
    Commands,
    HealthCheck,
    InvalidToken,
    WebhookStatus,
    webhook_path,
)
from handlers.webhook_server import WebhookServer

# Updates fetched and not yet handed to the pipeline: one getUpdates batch (Telegram hands out at most 100).
FETCHED_AHEAD = 100


class PtbTransport:
    def __init__(
        self,
        *,
        token: str,
        api_base: str,
        core: Core,
        poll_timeout: int = 10,
        core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
        limiter: Limiter | None = None,
    ) -> None:
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api_base}/bot")
            .base_file_url(f"{api_base}/file/bot")
            # Scheduling is ours (scheduler/); PTB's JobQueue would start a second APScheduler.
            .job_queue(None)
            # Bounded, so that while updates wait (the database is away) PTB's polling stops fetching:
            # a fetch confirms to Telegram every update before it, and those would then live in memory only.
            .update_queue(asyncio.Queue(maxsize=FETCHED_AHEAD))
            .build()
        )
        self.messenger = PtbMessenger(self.application.bot)
        self._pipeline = UpdatePipeline(
            core, self.messenger, core_concurrency=core_concurrency, limiter=limiter
        )
        self._poll_timeout = poll_timeout
        self.application.add_handler(TypeHandler(Update, self._on_update))

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._pipeline.submit_update(update, self.application.bot.username)

    async def run_polling(self, stop: asyncio.Event) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        updater = app.updater
        if updater is None:  # only when built with .updater(None), which we never do
            raise RuntimeError("the PTB application has no updater")
        # start_polling deletes any webhook first, as getUpdates would fail with 409 otherwise.
        await updater.start_polling(
            poll_interval=0, timeout=self._poll_timeout, allowed_updates=list(ALLOWED_UPDATES)
        )
        try:
            await stop.wait()
        finally:
            await updater.stop()
            await app.stop()
            await self._pipeline.join()

    async def run_webhook(
        self,
        *,
        url: str,
        secret: str,
        host: str,
        port: int,
        stop: asyncio.Event,
        health: HealthCheck | None = None,
    ) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        server = WebhookServer(path=webhook_path(url), secret=secret, sink=self._feed, health=health)
        await server.start(host, port)
        try:
            await app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
            await stop.wait()
        finally:
            with suppress(TelegramError):
                await app.bot.delete_webhook()
            await server.stop()
            await app.stop()
            await self._pipeline.join()

    async def _feed(self, raw: dict[str, Any]) -> None:
        self._pipeline.refuse_while_storage_away()
        await self.application.update_queue.put(Update.de_json(raw, self.application.bot))

    async def set_commands(self, commands: Commands) -> None:
        await self.application.initialize()
        for language, entries in commands.items():
            await self.application.bot.set_my_commands(
                commands=[BotCommand(command=name, description=text) for name, text in entries],
                language_code=language or None,
            )

    async def bot_identity(self) -> BotIdentity:
        with _neutral_errors("getMe"):
            me = await self.application.bot.get_me()
        return BotIdentity(id=me.id, username=me.username)

    async def webhook_status(self) -> WebhookStatus:
        with _neutral_errors("getWebhookInfo"):
            info = await self.application.bot.get_webhook_info()
        return WebhookStatus.of(info)

    async def join(self) -> None:
        await self._pipeline.join()

    async def close(self) -> None:
        await self._pipeline.close()
        await self.application.shutdown()
        # A transport used only to send (the delivery worker) was never initialised, and shutdown() then
        # leaves the bot's HTTP pool open; closing it twice is harmless.
        await self.application.bot.request.shutdown()


@contextmanager
def _neutral_errors(method: str) -> Iterator[None]:
    """The bot's own calls (getMe, getWebhookInfo) fail in neutral terms; PTB reports 401 and 404 as
    InvalidToken."""
    try:
        yield
    except PtbInvalidToken as exc:
        raise InvalidToken(method, exc.message) from exc
    except RetryAfter as exc:
        raise RateLimited(method, exc.message, retry_seconds(exc)) from exc
    except NetworkError as exc:
        raise TransientError(method, exc.message) from exc
    except TelegramError as exc:
        raise DeliveryError(method, exc.message) from exc
