"""The periodic jobs of community life: offers not taken in time move on, those coming tomorrow are
reminded, and each notice's progress message is kept up to date (the delivery job sends the edits)."""

from __future__ import annotations

from bot.actions import InlineKeyboard
from bot.domain.activities import Notice
from bot.domain.outbox import BatchProgress
from bot.domain.people import Account
from bot.flows.notices import progress_keyboard, progress_text
from bot.services import activities, notices
from bot.services.activity_messages import ActivityWords
from scheduler.context import JobContext


def _words(ctx: JobContext) -> ActivityWords:
    return ActivityWords(ctx.i18n, ctx.renderer, ctx.profile.calendar.tz)


async def offer_expiry(ctx: JobContext) -> None:
    async with ctx.uow() as uow:
        await activities.expire_offers(uow, ctx.clock.now(), _words(ctx), ctx.profile.region.activities)
        await uow.commit()


async def activity_reminders(ctx: JobContext) -> None:
    async with ctx.uow() as uow:
        await activities.queue_reminders(uow, ctx.clock.now(), _words(ctx), ctx.profile.region.activities)
        await uow.commit()


async def notice_progress(ctx: JobContext) -> None:
    def render(staff: Account, notice: Notice, progress: BatchProgress) -> tuple[str, InlineKeyboard | None]:
        t = ctx.i18n.translator(staff.locale)
        return progress_text(t, ctx.renderer, notice, progress), progress_keyboard(t, notice, progress)

    async with ctx.uow() as uow:
        await notices.refresh_progress(uow, ctx.clock.now(), render)
        await uow.commit()
