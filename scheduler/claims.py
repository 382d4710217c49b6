"""The claims' periodic jobs: a claim waiting for staff and untouched for the region's working days goes to
the supervisor; a death report left unfinished for 24 hours gets one gentle reminder."""

from __future__ import annotations

import logging

from bot.services.claims import escalate_untouched, remind_unfinished
from scheduler.context import JobContext

log = logging.getLogger(__name__)


async def claims_escalation(ctx: JobContext) -> None:
    rules = ctx.profile.region.claims
    if rules is None:
        return
    async with ctx.uow() as uow:
        await escalate_untouched(uow, rules, ctx.profile.calendar.tz, ctx.clock.now())
        await uow.commit()


async def unfinished_reports(ctx: JobContext) -> None:
    # Queued at any hour; the sender keeps a NOTICE for the end of the recipient's quiet hours.
    async with ctx.uow() as uow:
        queued = await remind_unfinished(uow, ctx.clock.now())
        await uow.commit()
    log.info("unfinished death reports: %d reminded", queued)
