"""Delivery progress in the bot, through both frameworks against the emulator: after a broadcast, the
community's staff press "Deliveries" and see the batch's counts and the retiree who blocked the bot."""

from __future__ import annotations

from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import StaffRole
from bot.flows import deliveries
from tests.integration.chat import RETIREE_NAME, en, joined, reply_labels
from tests.integration.conftest import BotApp
from tests.integration.test_conversations import USER, register
from tests.integration.test_handoff import COMMUNITY_CODE, STAFF, deliver_outbox, join_as_staff

TITLE = "Tai chi <Saturday>"
MASKED = "2101**********1039"


async def test_staff_see_the_batch_and_the_retiree_who_blocked_the_bot(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await register(bot_app)
    bot_app.emu.block_user(USER)
    async with bot_app.database.uow() as uow:
        retiree = await uow.accounts.get_by_telegram_user(USER)
        assert retiree is not None
        batch = await uow.outbox.create_batch("broadcast", TITLE)
        template = OutboxMessage(
            chat_id=0, category=MessageCategory.URGENT, dedupe_key="-", text="Notice", batch_id=batch
        )
        await uow.outbox.enqueue_fanout(
            template, [(USER, retiree.id, "tai-chi-1"), (USER, retiree.id, "tai-chi-2")]
        )
        await uow.commit()
    await deliver_outbox(bot_app)

    calls = await bot_app.says(STAFF, en(deliveries.STAFF_DELIVERIES))
    text = joined(calls)
    assert "<b>Tai chi &lt;Saturday&gt;</b>" in text
    counts = en(
        "sent %(sent)s · waiting %(queued)s · quiet hours %(quiet)s · failed %(failed)s · blocked %(blocked)s"
    )
    assert counts % {"sent": 0, "queued": 0, "quiet": 0, "failed": 0, "blocked": 2} in text
    assert en("Blocked the bot: %(n)s") % {"n": 1} in text
    assert f"{RETIREE_NAME} {MASKED}" in text
    assert en(deliveries.STAFF_DELIVERIES) in reply_labels(calls)  # still at the staff menu
