"""`retiree-bot run`: serve real users, by long polling or, when WEBHOOK_URL is set, by webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.clock import SystemClock
from bot.config import Settings, require_secret
from bot.memory import settle_heap
from handlers import create_transport

from .database import database_health, open_database
from .parts import build_background, open_background, sending_budget, shared_parts
from .wiring import build_core, id_hash_key

log = logging.getLogger(__name__)


async def run(settings: Settings) -> None:
    token = require_secret(settings, "BOT_TOKEN")
    key = id_hash_key(require_secret(settings, "ID_HASH_KEY"))
    webhook_secret = require_secret(settings, "WEBHOOK_SECRET") if settings.webhook_url else None
    database = await open_database(settings)
    parts = shared_parts(settings)
    core = build_core(settings, database, key, parts)
    # One budget for the outbox and the replies: a broadcast at the limit leaves no room for a reply
    # that does not draw on it.
    budget = sending_budget(settings, token)
    transport = create_transport(
        settings.bot_framework,
        token=token,
        api_base=settings.telegram_api_base,
        core=core,
        limiter=budget.limiter,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # Outbox delivery and the periodic jobs run beside the updates, through the same bot connection.
    background = build_background(settings, database, transport.messenger, SystemClock(), parts, budget)
    try:
        await open_background(background)
        background.start()
        await transport.set_commands(core.command_menu())
        await core.warm_up()
        settle_heap()
        if settings.webhook_url and webhook_secret:
            host, port = settings.webhook_host_port
            log.info(
                "serving webhook %s on %s:%d (%s)", settings.webhook_url, host, port, settings.bot_framework
            )
            await transport.run_webhook(
                url=settings.webhook_url,
                secret=webhook_secret,
                host=host,
                port=port,
                stop=stop,
                health=database_health(database),
            )
        else:
            log.info("polling %s (%s)", settings.telegram_api_base, settings.bot_framework)
            await transport.run_polling(stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)
        await background.stop()
        await transport.close()
        await database.dispose()
