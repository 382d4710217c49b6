"""The simplest idiomatic python-telegram-bot 22 echo bot: polling, answers each text with the same text.

`Application.run_polling` owns the event loop, so the documented manual start/stop sequence is used to
run it inside ours.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


async def run_echo(token: str, api_base: str, stop: asyncio.Event, poll_timeout: int = 10) -> None:
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
        .job_queue(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        await stop.wait()
        await application.updater.stop()
        await application.stop()
