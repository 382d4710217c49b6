"""A PostgreSQL session-level advisory lock held on a connection of its own, for as long as the process
wants it: the scheduler's leader and each sender's budget lock (scheduler.leader, scheduler.budget).

The lock belongs to the session, not to a transaction, so it lives as long as that connection: when the
process dies its connection closes and the lock goes with it; when the server restarts every session ends
and the holder must take its lock again, which `still_held` finds out by using the connection.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class SessionAdvisoryLock:
    def __init__(self, engine: AsyncEngine, key: int, *, shared: bool = False, name: str) -> None:
        """`shared`: many holders at once, but none beside an exclusive one. `name` says whose lock it
        is in the log."""
        self._engine = engine
        self.key = key
        self.shared = shared
        self._name = name
        self._connection: AsyncConnection | None = None

    @property
    def taken(self) -> bool:
        """Whether the lock was held when last used (no round trip)."""
        return self._connection is not None

    async def still_held(self) -> bool:
        """True when the lock was taken and its connection still answers; when it does not, the lock is
        gone (the server restarted or the network cut the session) and False says to take it again."""
        if self._connection is None:
            return False
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
            return True
        except Exception:
            log.warning("lost the connection holding %s; taking it again", self._name)
            await self._drop()
            return False

    async def try_take(self) -> bool:
        """Take the lock if no one holds it in a way that excludes this holder. Raises what the driver
        raises when the database does not answer."""
        function = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        connection = await self._engine.connect()
        try:
            got = bool(
                (await connection.execute(text(f"SELECT {function}(:key)"), {"key": self.key})).scalar_one()
            )
            await connection.commit()  # the lock stays with the session: no transaction left open
        except Exception:
            await _close(connection, self._name)
            raise
        if not got:
            await _close(connection, self._name)
            return False
        self._connection = connection
        return True

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        unlock = "pg_advisory_unlock_shared" if self.shared else "pg_advisory_unlock"
        try:
            await connection.execute(text(f"SELECT {unlock}(:key)"), {"key": self.key})
            await connection.commit()
        except Exception:
            log.debug("unlocking %s failed (closing its connection frees it)", self._name, exc_info=True)
        finally:
            await _close(connection, self._name)

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await _close(connection, self._name)


async def _close(connection: AsyncConnection, name: str) -> None:
    try:
        await connection.close()
    except Exception:
        log.debug("closing the connection of %s failed", name, exc_info=True)
