"""`retiree-bot db upgrade|downgrade|current`."""

from __future__ import annotations

from bot.config import Settings
from storage import migrate


async def handle(settings: Settings, action: str, revision: str | None) -> str:
    url = settings.database_url
    if action == "upgrade":
        await migrate.upgrade(url)
    elif action == "downgrade":
        await migrate.downgrade(url, revision or "-1")
    return f"schema revision: {await migrate.current(url) or 'none'}"
