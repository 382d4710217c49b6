"""Real framework event loops (aiogram Dispatcher, PTB Application) polling the emulator."""

from __future__ import annotations

import asyncio
import html

from aiogram import Bot as AiogramBot
from aiogram import Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.emulator import Emulator
from bot.emulator.testing import assert_no_violations

from .conftest import TOKEN, USER


async def test_aiogram_dispatcher_polling(emu: Emulator) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    bot = AiogramBot(TOKEN, session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(f"<b>{html.escape(message.text or '')}</b>", parse_mode="HTML")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        calls = await emu.user_says(USER, "a < b")
        assert [c.method for c in calls] == ["sendMessage"]
        assert emu.messages(USER)[-1].text == "a < b"
        results = await asyncio.gather(*(emu.user_says(u, str(u)) for u in range(3000, 3020)))
        assert all(len(r) == 1 for r in results)
    finally:
        await dispatcher.stop_polling()
        await polling
        await session.close()
    assert_no_violations(emu)


async def test_ptb_application_polling(emu: Emulator) -> None:
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            f"<i>{html.escape(update.effective_message.text or '')}</i>"
        )

    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    try:
        calls = await emu.user_says(USER, "你 & 我")
        assert [c.method for c in calls] == ["sendMessage"]
        assert emu.messages(USER)[-1].text == "你 & 我"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    assert_no_violations(emu)
