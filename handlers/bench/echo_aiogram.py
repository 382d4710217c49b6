"""The simplest idiomatic aiogram 3 echo bot: polling, answers each text with the same text."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def run_echo(token: str, api_base: str, stop: asyncio.Event, poll_timeout: int = 10) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    polling = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=poll_timeout, handle_signals=False)
    )
    await stop.wait()
    await dispatcher.stop_polling()
    await polling
