"""Which instance runs the periodic ticks. Every instance sends outbox messages; only one runs jobs.

PostgreSQL: the leader holds a session-level advisory lock (pg_try_advisory_lock) on a connection of its
own, kept open for as long as it leads. If that process dies its connection closes, the lock goes with
it, and at its next tick another instance takes it. Each tick first checks the connection still works.
SQLite: a single instance is assumed (there is one writer anyway), so it always leads.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

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
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    @property
    def leads(self) -> bool:
        """Whether this instance held the lead at its last tick (no round trip: for the heartbeat)."""
        return self._connection is not None

    async def is_leader(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
                return True
            except Exception:
                log.warning("lost the scheduler leader's database connection; trying again")
                await self._drop()
        connection = await self._engine.connect()
        try:
            got = (
                await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
            ).scalar_one()
            # The lock belongs to the session, not the transaction: ending the transaction keeps it, and
            # keeps the connection from idling "in transaction".
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        log.info("this instance now runs the periodic jobs (advisory lock %d)", self._key)
        self._connection = connection
        return True

    async def resign(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            await self._connection.commit()
        finally:
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)


def leadership_for(engine: AsyncEngine) -> AdvisoryLockLeader | AlwaysLeader:
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLeader(engine)
    return AlwaysLeader()
