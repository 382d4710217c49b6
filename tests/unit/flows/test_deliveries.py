from __future__ import annotations

from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.flows import deliveries
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_ID, ROSTER_NAME, World, at_step, registered_retiree

ZH = shared_i18n().translator("zh_Hans")
BUTTON = ZH.gettext(deliveries.STAFF_DELIVERIES)


async def test_the_staff_menu_offers_deliveries_and_says_when_there_are_none(world: World) -> None:
    chat = await at_step(world, "menu/staff")
    assert BUTTON in chat.buttons
    await chat.say(BUTTON)
    assert ZH.gettext("No messages to your units yet.") in chat.text
    assert ZH.gettext("Blocked the bot: %(n)s") % {"n": 0} in chat.text
    assert BUTTON in chat.buttons  # still under the staff menu
    assert chat.state is None


async def test_staff_see_a_batch_of_their_unit_and_who_blocked_the_bot(world: World) -> None:
    staff = await at_step(world, "menu/staff")
    retiree = await registered_retiree(world, user_id=502)
    async with world.db.uow() as uow:
        batch = await uow.outbox.create_batch("broadcast", "太极 <活动>")
        for key in ("a", "b", "c"):
            await uow.outbox.enqueue(
                OutboxMessage(
                    chat_id=502,
                    account_id=retiree.account.id,
                    category=MessageCategory.BROADCAST,
                    dedupe_key=key,
                    text="x",
                    batch_id=batch,
                )
            )
        await uow.accounts.set_unreachable(retiree.account.id)
        await uow.commit()
    world.db.state.outbox_status.update(a=OutboxStatus.SENT, b=OutboxStatus.UNREACHABLE)

    await staff.say(BUTTON)
    text = staff.text
    assert "<b>太极 &lt;活动&gt;</b>" in text  # the title is escaped
    counts = ZH.gettext(
        "sent %(sent)s · waiting %(queued)s · quiet hours %(quiet)s · failed %(failed)s · blocked %(blocked)s"
    )
    assert counts % {"sent": 1, "queued": 1, "quiet": 0, "failed": 0, "blocked": 1} in text
    assert ZH.gettext("Blocked the bot: %(n)s") % {"n": 1} in text
    assert f"{ROSTER_NAME} {ROSTER_ID.masked}" in text
    assert ROSTER_ID.unmasked() not in text
    assert ZH.gettext("The bot can no longer reach them: please call or visit.") in text


async def test_a_retiree_pressing_the_label_gets_no_staff_screen(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say(BUTTON)
    assert ZH.gettext("Messages to your units") not in chat.text
