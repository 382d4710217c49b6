"""The running instances: each `run` and `worker` process writes its row every few seconds (its heartbeat,
scheduler/heartbeat.py) and deletes it when it stops cleanly; `retiree-bot doctor` reads them.

A row whose `seen_at` is old belongs to a process that died or hangs. Live instances forget such rows after
a day, so a crash stays visible long enough to be noticed, and a process that was only slow writes its row
again at its next beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models.instances import InstanceRow
from storage.repositories._sql import insert_for, table_of

_T = table_of(InstanceRow)
# Written again at every beat (the rest is written once, when the row is created).
_STATUS = ("leads", "budget", "sent", "last_claimed_at", "last_sent_at")


@dataclass(frozen=True, slots=True)
class Instance:
    id: str
    role: str  # "run" or "worker"
    host: str
    pid: int
    runs_jobs: bool
    started_at: datetime
    seen_at: datetime
    leads: bool = False  # holds the periodic jobs' lock (the leader)
    budget: str = "local"  # "shared": paces itself through Redis with the bot's other senders
    sent: int = 0
    last_claimed_at: datetime | None = None
    last_sent_at: datetime | None = None


class SqlInstances:
    """Each method is one short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def beat(self, instance: Instance) -> None:
        """Record `instance` as alive at `instance.seen_at` (its row is written again if it was forgotten)."""
        async with self._sessions() as session, session.begin():
            statement = insert_for(session, _T).values(
                id=instance.id,
                role=instance.role,
                host=instance.host[:64],
                pid=instance.pid,
                runs_jobs=instance.runs_jobs,
                started_at=instance.started_at,
                seen_at=instance.seen_at,
                **{name: getattr(instance, name) for name in _STATUS},
            )
            excluded = statement.excluded
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[_T.c.id],
                    set_={"seen_at": excluded.seen_at, **{name: excluded[name] for name in _STATUS}},
                )
            )

    async def remove(self, instance_id: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(_T).where(_T.c.id == instance_id))

    async def forget_before(self, moment: datetime) -> int:
        """Delete the rows not seen since `moment`; how many there were."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(_T).where(_T.c.seen_at < moment))
            return int(getattr(result, "rowcount", 0) or 0)

    async def all(self) -> Sequence[Instance]:
        """Every recorded instance, the most recently seen first."""
        async with self._sessions() as session:
            rows = await session.execute(select(_T).order_by(_T.c.seen_at.desc(), _T.c.id))
            return [
                Instance(
                    id=row.id,
                    role=row.role,
                    host=row.host,
                    pid=row.pid,
                    runs_jobs=row.runs_jobs,
                    started_at=row.started_at,
                    seen_at=row.seen_at,
                    **{name: getattr(row, name) for name in _STATUS},
                )
                for row in rows
            ]
