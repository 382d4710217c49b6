"""The staff's delivery screen: how the recent batches to their units are going, and who blocked the bot.
No conversation state: it is one message under the staff menu."""

from __future__ import annotations

from bot.flows.context import Context
from bot.i18n import N_
from bot.services import delivery_progress, questions

STAFF_DELIVERIES = N_("📬 Deliveries")


async def report(ctx: Context) -> str:
    found = await delivery_progress.overview(ctx.uow, ctx.account.id)
    batches = [
        {
            "title": b.title,
            "when": questions.local_time(ctx.t, b.created_at, ctx.profile.calendar.tz),
            "sent": b.sent,
            "queued": b.queued + b.sending + b.held,
            "quiet": b.waiting_quiet_hours,
            "failed": b.failed,
            "unreachable": b.unreachable,
        }
        for b in found.batches
    ]
    return ctx.render(
        "staff_deliveries.html.j2",
        batches=batches,
        unreachable=found.unreachable,
        total=found.unreachable_total,
        more=found.unreachable_total - len(found.unreachable),
    )
