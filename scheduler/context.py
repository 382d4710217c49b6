"""What a periodic job gets to work with: units of work, the clock and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.ports import Clock, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class JobContext:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings
