"""The peer for `retiree-bot bench delivery`: the same broadcast sent with aiogram-broadcaster (PyPI
`aiogram-broadcaster`, 0.6.x, works with aiogram 3.31).

aiogram-broadcaster's Mailer sends to one chat after another, sleeping a fixed interval between sends; its
documented way to stay inside Telegram's limit L is interval = 1/L, which is what we give it. It has no
per-chat or per-group accounting and on a 429 only the failed chat waits and is resent.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer


@dataclass(frozen=True, slots=True)
class PeerResult:
    sent: int
    failed: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0


async def broadcast_with_peer(
    api_base: str, token: str, chats: Sequence[int], text: str, limit_per_s: float
) -> PeerResult:
    # Imported here: the package is a benchmark extra, not a dependency of the bot.
    from aiogram_broadcaster import Broadcaster
    from aiogram_broadcaster.contents import TextContent
    from aiogram_broadcaster.intervals import SimpleInterval
    from aiogram_broadcaster.mailer.chats import ChatState

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    try:
        broadcaster = Broadcaster(bot)
        mailer = await broadcaster.create_mailer(
            chats=list(chats),
            content=TextContent(text=text, parse_mode="HTML"),
            interval=SimpleInterval(interval=1.0 / limit_per_s),
        )
        started = time.perf_counter()
        await mailer.start()
        seconds = time.perf_counter() - started
        registry = mailer.chats.registry
        return PeerResult(
            sent=len(registry[ChatState.SUCCESS]), failed=len(registry[ChatState.FAILED]), seconds=seconds
        )
    finally:
        await bot.session.close()
