"""aiogram 3 transport: aiogram's Bot fetches updates (polling.py) or parses the webhook's, and every update
goes to the shared pipeline; the core does the routing, so aiogram's Dispatcher has no part."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, Update

from bot.ports import DeliveryError, Limiter, RateLimited, TransientError
from handlers.aiogram_adapter.messenger import AiogramMessenger
from handlers.aiogram_adapter.polling import poll
from handlers.aiogram_adapter.response_models import KeepResponseModels
from handlers.pipeline import DEFAULT_CORE_CONCURRENCY, Core, UpdatePipeline
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


class AiogramTransport:
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
        self.bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
        self.bot.session.middleware(KeepResponseModels())
        self.messenger = AiogramMessenger(self.bot)
        self._pipeline = UpdatePipeline(
            core, self.messenger, core_concurrency=core_concurrency, limiter=limiter
        )
        self._poll_timeout = poll_timeout
        self._username: str | None = None

    async def _handle(self, update: Update) -> None:
        await self._pipeline.submit_update(update, self._username)

    async def _identify(self) -> None:
        self._username = (await self.bot.me()).username

    async def run_polling(self, stop: asyncio.Event) -> None:
        await self._identify()
        # A webhook left from an earlier run would make getUpdates fail with 409.
        await self.bot.delete_webhook()
        try:
            await poll(
                self.bot, self._handle, stop, poll_seconds=self._poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        finally:
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
        await self._identify()
        server = WebhookServer(path=webhook_path(url), secret=secret, sink=self._feed, health=health)
        await server.start(host, port)
        try:
            await self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
            await stop.wait()
        finally:
            with suppress(TelegramAPIError):
                await self.bot.delete_webhook()
            await server.stop()
            await self._pipeline.join()

    async def _feed(self, raw: dict[str, Any]) -> None:
        self._pipeline.refuse_while_storage_away()
        await self._handle(Update.model_validate(raw, context={"bot": self.bot}))

    async def set_commands(self, commands: Commands) -> None:
        for language, entries in commands.items():
            await self.bot.set_my_commands(
                commands=[BotCommand(command=name, description=text) for name, text in entries],
                language_code=language or None,
            )

    async def bot_identity(self) -> BotIdentity:
        with _neutral_errors("getMe"):
            me = await self.bot.get_me()
        return BotIdentity(id=me.id, username=me.username)

    async def webhook_status(self) -> WebhookStatus:
        with _neutral_errors("getWebhookInfo"):
            info = await self.bot.get_webhook_info()
        return WebhookStatus.of(info)

    async def join(self) -> None:
        await self._pipeline.join()

    async def close(self) -> None:
        await self._pipeline.close()
        await self.bot.session.close()


@contextmanager
def _neutral_errors(method: str) -> Iterator[None]:
    """The bot's own calls (getMe, getWebhookInfo) fail in neutral terms; a 401 or 404 means a bad token."""
    try:
        yield
    except (TelegramUnauthorizedError, TelegramNotFound) as exc:
        raise InvalidToken(method, exc.message) from exc
    except TelegramRetryAfter as exc:
        raise RateLimited(method, exc.message, float(exc.retry_after)) from exc
    except (TelegramNetworkError, TelegramServerError) as exc:
        raise TransientError(method, exc.message) from exc
    except TelegramAPIError as exc:
        raise DeliveryError(method, exc.message) from exc
