"""ORM model of the running instances: each `run` and `worker` process records that it is alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class InstanceRow(Base):
    __tablename__ = "instances"

    # The process's id, as its outbox claims carry it (host:pid:random).
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # "run" or "worker"
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    runs_jobs: Mapped[bool]
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
