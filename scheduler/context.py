"""What a periodic job gets to work with: units of work, the clock, the settings, and the parts every
job of the process shares (the one I18n and its renderer, the region profile in force)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.i18n import I18n
from bot.ports import Clock, UnitOfWorkFactory
from bot.rendering import Renderer
from bot.services.certification_profile import CertificationProfile


@dataclass(frozen=True, slots=True)
class JobContext:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    i18n: I18n
    renderer: Renderer
    profile: CertificationProfile
