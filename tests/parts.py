"""What every test of a run may share, built once: the compiled catalogs, the default region profile and
the knowledge base's answerer do not change between tests."""

from __future__ import annotations

from functools import cache

from bot.config import Settings
from bot.i18n import I18n
from bot.knowledge.provider import KnowledgeProvider
from bot.ports import Clock, UnitOfWorkFactory
from bot.rendering import Renderer
from bot.services.certification_profile import CertificationProfile, load_profile
from scheduler.context import JobContext

# Every environment variable Settings reads: tests clear them, so a developer's own settings never leak in.
SETTING_NAMES = tuple(sorted(name.upper() for name in Settings.model_fields))


@cache
def shared_i18n() -> I18n:
    return I18n()


@cache
def shared_knowledge() -> KnowledgeProvider:
    return KnowledgeProvider(i18n=shared_i18n())


def county_profile() -> CertificationProfile:
    """The default region profile (the county of the seed notes); load_profile caches it."""
    return load_profile()


def job_context(uow: UnitOfWorkFactory, clock: Clock) -> JobContext:
    """What the scheduler hands a job, with default settings and the shared parts."""
    return JobContext(
        uow=uow,
        clock=clock,
        settings=Settings(_env_file=None),
        i18n=shared_i18n(),
        renderer=Renderer(shared_i18n()),
        profile=county_profile(),
    )
