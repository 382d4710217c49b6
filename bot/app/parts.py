"""The parts one process builds once and hands to every part that needs them (one I18n, one region
profile), and the background (outbox sender and periodic jobs) built from them. Kept apart from wiring.py,
which builds the bot core: a worker that only sends never loads it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.i18n import I18n
from bot.ports import Clock, Messenger
from bot.services.certification_profile import CertificationProfile, load_profile
from scheduler.service import Background
from storage.database import Database


@dataclass(frozen=True, slots=True)
class SharedParts:
    i18n: I18n
    profile: CertificationProfile


def shared_parts(settings: Settings) -> SharedParts:
    return SharedParts(
        I18n(default_locale=settings.default_locale),
        load_profile(settings.region_profile, settings.timezone),
    )


def build_background(
    settings: Settings,
    database: Database,
    messenger: Messenger,
    clock: Clock,
    parts: SharedParts,
    *,
    with_jobs: bool = True,
    role: str = "run",
) -> Background:
    """The outbox sender, and the periodic jobs unless `with_jobs` is False; `role` names the process
    ("run" or "worker") in the heartbeat doctor reads."""
    return Background(
        settings,
        database,
        messenger,
        clock,
        i18n=parts.i18n,
        profile=parts.profile,
        with_jobs=with_jobs,
        role=role,
    )
