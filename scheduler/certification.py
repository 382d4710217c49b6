"""The certification campaign's periodic jobs: the campaign tick (reminders, escalations, suspension) and
the staff's daily digest. Both are idempotent scans; see bot.services.certification_campaign."""

from __future__ import annotations

import logging
from functools import lru_cache

from bot.i18n import I18n
from bot.rendering import Renderer
from bot.services.certification_campaign import Campaign
from bot.services.certification_digest import send_digests
from bot.services.certification_messages import CertificationTexts
from bot.services.certification_profile import CertificationProfile, load_profile
from scheduler.context import JobContext

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _i18n(default_locale: str) -> I18n:
    return I18n(default_locale=default_locale)


def _profile(ctx: JobContext) -> CertificationProfile:
    return load_profile(ctx.settings.region_profile, ctx.settings.timezone)


def campaign_for(ctx: JobContext) -> Campaign:
    i18n = _i18n(ctx.settings.default_locale)
    # SQLite has a single writer: ranges in parallel only help PostgreSQL.
    workers = 1 if ctx.settings.database_url.startswith("sqlite") else 2
    return Campaign(ctx.uow, i18n, CertificationTexts(Renderer(i18n), _profile(ctx)), workers=workers)


async def campaign_tick(ctx: JobContext) -> None:
    report = await campaign_for(ctx).tick(ctx.clock.now())
    log.info("certification tick: %s", report)


async def certification_digest(ctx: JobContext) -> None:
    sent = await send_digests(ctx.uow, _i18n(ctx.settings.default_locale), _profile(ctx), ctx.clock.now())
    log.info("certification digest: %d sent", sent)
