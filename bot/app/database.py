"""Opening the configured database for a command, refusing one whose schema is not this code's.

Kept apart from wiring.py, which builds the bot core: the worker opens the database without loading it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot.config import Settings
from storage.database import Database
from storage.schema import HEAD_REVISION, schema_revision

from . import CommandError

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 5.0


async def open_database(settings: Settings, *, require_current_schema: bool = True) -> Database:
    database = Database.from_url(settings.database_url)
    if require_current_schema:
        revision = await schema_revision(database)
        if revision != HEAD_REVISION:
            await database.dispose()
            raise CommandError(
                f"the database schema is at {revision or 'nothing'}, not {HEAD_REVISION}: "
                "run `retiree-bot db upgrade` first"
            )
    return database


def database_health(database: Database) -> Callable[[], Awaitable[Mapping[str, str]]]:
    """The health check `run` answers GET /healthz with: {"database": "ok"}, or "unreachable" when a ping
    fails or takes over HEALTH_TIMEOUT_S."""

    async def health() -> Mapping[str, str]:
        try:
            await asyncio.wait_for(database.ping(), HEALTH_TIMEOUT_S)
        except Exception as exc:
            log.warning("health check: the database does not answer (%s)", type(exc).__name__)
            return {"database": "unreachable"}
        return {"database": "ok"}

    return health
