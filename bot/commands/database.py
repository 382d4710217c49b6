"""Opening the configured database for a command, refusing one whose schema is not this code's.

Kept apart from wiring.py, which builds the bot core: the worker opens the database without loading it.
"""

from __future__ import annotations

from bot.config import Settings
from storage.database import Database
from storage.schema import HEAD_REVISION, schema_revision

from . import CommandError


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
