"""Which instance runs the periodic ticks. Every instance sends outbox messages; only one runs jobs.

PostgreSQL: the leader holds a session-level advisory lock (scheduler.advisory_lock) for as long as it
leads. If that process dies its connection closes, the lock goes with it, and at its next tick another
instance takes it. Each tick first checks the connection still works.
SQLite: a single instance is assumed (there is one writer anyway), so it always leads.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.advisory_lock import SessionAdvisoryLock

log = logging.getLogger(__name__)

# An arbitrary 64-bit key naming "retiree-bot scheduler leader" among the server's advisory locks.
LEADER_LOCK_KEY = 0x5245_5449_5245_4531


class Leadership(Protocol):
    async def is_leader(self) -> bool: ...
    async def resign(self) -> None: ...


class AlwaysLeader:
    leads = True

    async def is_leader(self) -> bool:
        return True

    async def resign(self) -> None:
        return None


class AdvisoryLockLeader:
    def __init__(self, engine: AsyncEngine, key: int = LEADER_LOCK_KEY) -> None:
        self._lock = SessionAdvisoryLock(engine, key, name="the scheduler leader's lock")

    @property
    def leads(self) -> bool:
        """Whether this instance held the lead at its last tick (no round trip: for the heartbeat)."""
        return self._lock.taken

    async def is_leader(self) -> bool:
        if await self._lock.still_held():
            return True
        if not await self._lock.try_take():
            return False
        log.info("this instance now runs the periodic jobs (advisory lock %d)", self._lock.key)
        return True

    async def resign(self) -> None:
        await self._lock.release()


def leadership_for(engine: AsyncEngine) -> AdvisoryLockLeader | AlwaysLeader:
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLeader(engine)
    return AlwaysLeader()
