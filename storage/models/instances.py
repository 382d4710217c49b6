"""ORM model of the running instances: each `run` and `worker` process records that it is alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, false
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
    # What its sender did, as of its last beat (retiree-bot jobs and doctor show them).
    leads: Mapped[bool] = mapped_column(server_default=false())  # holds the periodic jobs' lock
    budget: Mapped[str] = mapped_column(String(16), server_default="local")  # "shared" (Redis) or "local"
    sent: Mapped[int] = mapped_column(Integer, server_default="0")
    last_claimed_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
