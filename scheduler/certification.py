"""The certification campaign's periodic jobs: the campaign tick (reminders, escalations, suspension) and
the staff's daily digest. Both are idempotent scans; see bot.services.certification_campaign."""

from __future__ import annotations

import logging

from bot.services.certification_campaign import Campaign
from bot.services.certification_digest import send_digests
from bot.services.certification_messages import CertificationTexts
from scheduler.context import JobContext

log = logging.getLogger(__name__)


def campaign_for(ctx: JobContext) -> Campaign:
    # SQLite has a single writer: ranges in parallel only help PostgreSQL.
    workers = 1 if ctx.settings.database_url.startswith("sqlite") else 2
    return Campaign(ctx.uow, ctx.i18n, CertificationTexts(ctx.renderer, ctx.profile), workers=workers)


async def campaign_tick(ctx: JobContext) -> None:
    report = await campaign_for(ctx).tick(ctx.clock.now())
    log.info("certification tick: %s", report)


async def certification_digest(ctx: JobContext) -> None:
    sent = await send_digests(ctx.uow, ctx.i18n, ctx.profile, ctx.clock.now())
    log.info("certification digest: %d sent", sent)
