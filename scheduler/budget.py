"""Who may send for a bot on a shared database: never two senders each spending the whole budget.

A sender without REDIS_URL paces itself alone (an in-process limiter), so it must be the bot's only
sender. On PostgreSQL it holds an exclusive session-level advisory lock named after the bot's id for as
long as it runs; senders that share the budget through Redis hold the same lock in shared mode. So a
second sender without Redis, or a sender with Redis beside one without, refuses to start and says what to
set, and any number of senders with Redis run together. A crashed sender's connection closes and its lock
goes with it. After the database was away (a restart drops every session) each sender takes its lock
again before it claims anything; one that finds it taken stops claiming and says why.

SQLite: one process at a time by design (one writer); nothing to guard.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

# The top 16 bits name "retiree-bot sender budget" among the server's advisory locks; the rest, the bot.
_PREFIX = 0x5242 << 48
_BOT_BITS = (1 << 48) - 1


class BudgetTaken(Exception):
    """Another sender spends this bot's budget in a way this one cannot share; the message says what to
    set."""


def lock_key(bot: int) -> int:
    return _PREFIX | (bot & _BOT_BITS)


class SenderLock:
    """The advisory lock of one sender: exclusive without Redis, shared with it."""

    def __init__(self, engine: AsyncEngine, bot: int, *, shared: bool) -> None:
        self._engine = engine
        self._key = lock_key(bot)
        self.shared = shared
        self._connection: AsyncConnection | None = None
        self._refused = False

    async def take(self) -> None:
        """Take the lock or raise BudgetTaken (at start: the second sender refuses to run)."""
        if not await self._try():
            raise BudgetTaken(self._refusal())

    async def holds(self) -> bool:
        """Whether this sender may claim now: its lock still held, or taken again after the database came
        back. Raises what the driver raises while the database is away (the caller waits and retries)."""
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
                return True
            except Exception:
                log.warning("lost the sender lock's database connection; taking the lock again")
                await self._drop()
        got = await self._try()
        if not got and not self._refused:
            log.error("%s; this sender claims nothing until it is stopped", self._refusal())
        self._refused = not got
        return got

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        unlock = "pg_advisory_unlock_shared" if self.shared else "pg_advisory_unlock"
        try:
            await connection.execute(text(f"SELECT {unlock}(:key)"), {"key": self._key})
            await connection.commit()
        except Exception:
            log.debug("unlocking the sender lock failed (closing its connection frees it)", exc_info=True)
        finally:
            await _close(connection)

    async def _try(self) -> bool:
        function = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        connection = await self._engine.connect()
        try:
            got = bool(
                (await connection.execute(text(f"SELECT {function}(:key)"), {"key": self._key})).scalar_one()
            )
            await connection.commit()  # the lock belongs to the session: no transaction left open
        except Exception:
            await _close(connection)
            raise
        if not got:
            await _close(connection)
            return False
        self._connection = connection
        return True

    def _refusal(self) -> str:
        if self.shared:
            return (
                "another sender of this bot runs without REDIS_URL and paces itself alone; set the same "
                "REDIS_URL for every `retiree-bot run` and `worker` of this bot (or stop that one)"
            )
        return (
            "another sender of this bot is running on this database; set REDIS_URL (the same for every "
            "`retiree-bot run` and `worker`) so that they share Telegram's limits, or run only one"
        )

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await _close(connection)


async def _close(connection: AsyncConnection) -> None:
    try:
        await connection.close()
    except Exception:
        log.debug("closing the sender lock's connection failed", exc_info=True)
