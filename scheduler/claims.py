"""The claims' periodic job: a claim waiting for staff and untouched for the region's working days goes to
the supervisor."""

from __future__ import annotations

from bot.services.claims import escalate_untouched
from scheduler.context import JobContext


async def claims_escalation(ctx: JobContext) -> None:
    rules = ctx.profile.region.claims
    if rules is None:
        return
    async with ctx.uow() as uow:
        await escalate_untouched(uow, rules, ctx.profile.calendar.tz, ctx.clock.now())
        await uow.commit()
