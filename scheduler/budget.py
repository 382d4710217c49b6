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

from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.advisory_lock import SessionAdvisoryLock

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
        self._lock = SessionAdvisoryLock(engine, lock_key(bot), shared=shared, name="the sender lock")
        self._refused = False

    @property
    def shared(self) -> bool:
        return self._lock.shared

    async def take(self) -> None:
        """Take the lock or raise BudgetTaken (at start: the second sender refuses to run)."""
        if not await self._lock.try_take():
            raise BudgetTaken(self._refusal())

    async def holds(self) -> bool:
        """Whether this sender may claim now: its lock still held, or taken again after the database came
        back. Raises what the driver raises while the database is away (the caller waits and retries)."""
        if await self._lock.still_held():
            return True
        got = await self._lock.try_take()
        if not got and not self._refused:
            log.error("%s; this sender claims nothing until it is stopped", self._refusal())
        self._refused = not got
        return got

    async def release(self) -> None:
        await self._lock.release()

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
