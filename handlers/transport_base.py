"""What both transports share: the public Transport shape, the update types we ask for, the webhook
path, and the command list format."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Protocol
from urllib.parse import urlsplit

from bot.ports import Messenger

# Only these reach the core; asking Telegram for nothing else saves traffic and keeps both frameworks'
# getUpdates/setWebhook calls identical.
ALLOWED_UPDATES = ("message", "callback_query")

Commands = Mapping[str, Sequence[tuple[str, str]]]
"""Per Telegram language code ("" for the default list shown to everyone else): (command, description)."""


class Transport(Protocol):
    @property
    def messenger(self) -> Messenger:
        """Sends actions outside the update path (reminders, broadcasts, notices)."""
        ...

    async def run_polling(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates until `stop` is set, then finish what was fetched."""
        ...

    async def run_webhook(self, *, url: str, secret: str, host: str, port: int, stop: asyncio.Event) -> None:
        """Serve webhook calls on host:port (the path of `url`) until `stop` is set."""
        ...

    async def set_commands(self, commands: Commands) -> None: ...

    async def join(self) -> None:
        """Wait until every update received so far has been handled and its replies sent."""
        ...

    async def close(self) -> None: ...


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"
