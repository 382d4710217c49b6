"""What both transports share: the public Transport shape, the update types we ask for, the webhook
path, and the command list format."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from bot.ports import DeliveryError, Messenger
from handlers.bot_api_shape import WebhookInfo

# Only these reach the core; asking Telegram for nothing else saves traffic and keeps both frameworks'
# getUpdates/setWebhook calls identical.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")

Commands = Mapping[str, Sequence[tuple[str, str]]]
"""Per Telegram language code ("" for the default list shown to everyone else): (command, description)."""

HealthCheck = Callable[[], Awaitable[Mapping[str, str]]]
"""The state of each part an instance depends on, e.g. {"database": "ok"}; anything but "ok" is unhealthy."""


class InvalidToken(DeliveryError):
    """401 or 404 for the bot's own calls, or a token of the wrong form: Telegram does not know this token."""


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """What getMe says about the bot."""

    id: int
    username: str | None


@dataclass(frozen=True, slots=True)
class WebhookStatus:
    """What getWebhookInfo says: where Telegram sends updates ("" when it keeps them for getUpdates)."""

    url: str
    pending_update_count: int
    last_error_date: datetime | None = None
    last_error_message: str | None = None

    @classmethod
    def of(cls, info: WebhookInfo) -> WebhookStatus:
        """The status in either framework's WebhookInfo."""
        return cls(
            url=info.url,
            pending_update_count=info.pending_update_count,
            last_error_date=_utc(info.last_error_date),
            last_error_message=info.last_error_message,
        )


def _utc(moment: datetime | None) -> datetime | None:
    """A Bot API date as an aware UTC datetime (the frameworks give aware or naive UTC ones)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Transport(Protocol):
    @property
    def messenger(self) -> Messenger:
        """Sends actions outside the update path (reminders, broadcasts, notices)."""
        ...

    async def run_polling(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates until `stop` is set, then finish what was fetched."""
        ...

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
        """Serve webhook calls on host:port (the path of `url`) until `stop` is set; with `health`, answer
        GET /healthz too (200 when every part it names is "ok", 503 otherwise)."""
        ...

    async def set_commands(self, commands: Commands) -> None: ...

    async def bot_identity(self) -> BotIdentity:
        """getMe. Raises InvalidToken when Telegram does not know the token, TransientError when it cannot be
        reached, another DeliveryError for any other refusal."""
        ...

    async def webhook_status(self) -> WebhookStatus:
        """getWebhookInfo; raises like bot_identity."""
        ...

    async def join(self) -> None:
        """Wait until every update received so far has been handled and its replies sent."""
        ...

    async def close(self) -> None: ...


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"
