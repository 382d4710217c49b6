"""The policy questions' periodic job: questions unanswered for 24 hours go up to a supervisor."""

from __future__ import annotations

from bot.services.questions import escalate_overdue_questions
from scheduler.context import JobContext


async def escalation_job(ctx: JobContext) -> None:
    await escalate_overdue_questions(
        ctx.uow, ctx.clock, i18n=ctx.i18n, renderer=ctx.renderer, tz=ctx.profile.calendar.tz
    )
