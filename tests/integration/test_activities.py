"""Notices and activities through both frameworks against the emulator: staff publish an activity with two
places as a photo notice, three retirees get the copy with its buttons, the third is waitlisted and is
offered the place one cancels; a blocked recipient is counted and comes back; a notice is cancelled
mid-broadcast; the progress message follows it all."""

from __future__ import annotations

from datetime import timedelta

from bot.callbacks import ActivityButton
from bot.domain.activities import SignupStatus
from bot.domain.people import StaffRole
from bot.emulator import BotMessage
from bot.flows import buttons, notices, reschedule
from scheduler.activities import notice_progress, offer_expiry
from tests.integration.chat import en, joined
from tests.integration.conftest import BotApp
from tests.integration.test_handoff import COMMUNITY_CODE, STAFF, deliver_outbox, join_as_staff
from tests.parts import job_context

PEOPLE = {
    2001: ("李德明", "210102194306121039"),
    2002: ("吴长生", "210102194310161199"),
    2003: ("杨德明", "210102194306241516"),
}
CAPTION = "Tai chi on Saturday, bring water"


async def register(app: BotApp, user: int) -> None:
    name, number = PEOPLE[user]
    await app.says(user, "/start")
    await app.says(user, en(buttons.I_AM_RETIREE))
    await app.says(user, name)
    calls = await app.says(user, number)
    assert en("You are registered.") in joined(calls)


def with_button(app: BotApp, chat_id: int, prefix: str) -> tuple[BotMessage, str]:
    """The newest message in the chat with a button whose data starts with `prefix`, and that data."""
    for message in reversed(app.emu.messages(chat_id)):
        for row in message.inline_buttons:
            for button in row:
                if str(button.get("callback_data", "")).startswith(prefix):
                    return message, str(button["callback_data"])
    raise AssertionError(f"no button {prefix} in chat {chat_id}")


async def compose(app: BotApp, *, activity: bool, capacity: str = "2") -> None:
    await app.says(STAFF, en(buttons.STAFF_NOTICES))
    if activity:
        await app.says(STAFF, en(notices.NEW_ACTIVITY))
        await app.says(STAFF, "Tai chi")
        day = (app.clock.now() + timedelta(days=5)).date()
        await app.says(STAFF, f"{day.isoformat()} 09:30")
        await app.says(STAFF, "Community hall")
        await app.says(STAFF, capacity)
        await app.says(STAFF, en(notices.DAY_BEFORE))
        await app.says(STAFF, en(notices.FOR_BOTH))
        await app.says(STAFF, en(notices.NO))
    else:
        await app.says(STAFF, en(notices.NEW_NOTICE))
    start = len(app.emu.calls)
    await app.emu.send_photo(STAFF, CAPTION)
    await app.emu.wait_for(lambda: any(c.method == "copyMessage" for c in app.emu.calls[start:]))
    await app.transport.join()


async def send(app: BotApp) -> BotMessage:
    panel, data = with_button(app, STAFF, "v1:nt:ok:")
    await app.presses(STAFF, panel.message_id, data)
    return panel


async def progress(app: BotApp) -> None:
    await notice_progress(job_context(app.database.uow, app.clock))


async def _one_place_offered_to_everyone(app: BotApp) -> None:
    """Staff publish an activity with one place to every registered person, and it reaches them."""
    await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    for user in PEOPLE:
        await register(app, user)
    await compose(app, activity=True, capacity="1")
    await send(app)
    await deliver_outbox(app)


async def _one_place_taken_one_waiting_and_the_card_open(app: BotApp) -> None:
    """An activity with one place: 2001 has it, 2002 waits; staff have its card open."""
    await _one_place_offered_to_everyone(app)
    for user in (2001, 2002):
        message, data = with_button(app, user, "v1:ac:s:")
        await app.presses(user, message.message_id, data)
    await app.says(STAFF, en(buttons.STAFF_NOTICES))
    await app.says(STAFF, en(notices.OUR_ACTIVITIES))
    listing, view = with_button(app, STAFF, "v1:sa:v:")
    await app.presses(STAFF, listing.message_id, view)


async def test_an_activity_fills_up_waitlists_and_offers_the_freed_place(bot_app: BotApp) -> None:
    app = bot_app
    await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    for user in PEOPLE:
        await register(app, user)
    await compose(app, activity=True)
    preview = app.emu.messages(STAFF)
    assert any(m.kind == "photo" and m.text == CAPTION for m in preview)  # exactly as recipients see it
    panel = await send(app)
    await deliver_outbox(app)
    for user in PEOPLE:
        copy = [m for m in app.emu.messages(user) if m.kind == "photo"]
        assert [m.text for m in copy] == [CAPTION]
        assert with_button(app, user, "v1:ac:s:")
    await progress(app)
    await deliver_outbox(app)
    shown = next(m for m in app.emu.messages(STAFF) if m.message_id == panel.message_id)
    assert "all sent" in shown.text
    assert "sent 3" in shown.text

    for user in PEOPLE:
        message, data = with_button(app, user, "v1:ac:s:")
        await app.presses(user, message.message_id, data)
    assert "number 1 on the waiting list" in app.emu.messages(2003)[-1].text

    async with app.database.uow() as uow:
        account = await uow.accounts.get_by_telegram_user(2001)
        assert account is not None
        mine = await uow.activities.for_account(account.id, app.clock.now())
    cancel = ActivityButton("x", mine[0].signup.id).pack()
    await app.presses(2001, app.emu.messages(2001)[-1].message_id, cancel)
    await deliver_outbox(app)
    offer, take = with_button(app, 2003, "v1:ac:a:")
    await app.presses(2003, offer.message_id, take)
    async with app.database.uow() as uow:
        account = await uow.accounts.get_by_telegram_user(2003)
        assert account is not None
        third = await uow.activities.for_account(account.id, app.clock.now())
    assert third[0].signup.status is SignupStatus.CONFIRMED


async def test_an_offer_not_taken_in_time_moves_on(bot_app: BotApp) -> None:
    app = bot_app
    await _one_place_offered_to_everyone(app)
    for user in PEOPLE:
        message, data = with_button(app, user, "v1:ac:s:")
        await app.presses(user, message.message_id, data)
    message, data = with_button(app, 2001, "v1:ac:s:")
    async with app.database.uow() as uow:
        account = await uow.accounts.get_by_telegram_user(2001)
        assert account is not None
        mine = await uow.activities.for_account(account.id, app.clock.now())
    await app.presses(2001, message.message_id, ActivityButton("x", mine[0].signup.id).pack())
    await deliver_outbox(app)
    assert with_button(app, 2002, "v1:ac:a:")
    app.clock.offset += timedelta(hours=25)
    await offer_expiry(job_context(app.database.uow, app.clock))
    await deliver_outbox(app)
    assert "gone to the next person" in app.emu.messages(2002)[-1].text
    assert with_button(app, 2003, "v1:ac:a:")


async def test_a_blocked_recipient_is_counted_skipped_and_comes_back(bot_app: BotApp) -> None:
    app = bot_app
    await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    for user in PEOPLE:
        await register(app, user)
    app.emu.block_user(2002, notify=True)
    await app.emu.wait_for(lambda: not app.emu.bot().pending)
    await app.transport.join()
    await compose(app, activity=False)
    panel_text = app.emu.messages(STAFF)[-1].text
    assert "It will reach 2 people." in panel_text
    assert "1 blocked it" in panel_text
    await send(app)
    await deliver_outbox(app)
    assert not [m for m in app.emu.messages(2002) if m.kind == "photo"]
    app.emu.unblock_user(2002, notify=True)
    await app.emu.wait_for(lambda: not app.emu.bot().pending)
    await app.transport.join()
    async with app.database.uow() as uow:
        account = await uow.accounts.get_by_telegram_user(2002)
    assert account is not None
    assert not account.unreachable


async def test_cancel_mid_broadcast_sends_nothing_more(bot_app: BotApp) -> None:
    app = bot_app
    await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    for user in PEOPLE:
        await register(app, user)
    await compose(app, activity=False)
    panel = await send(app)
    message = next(m for m in app.emu.messages(STAFF) if m.message_id == panel.message_id)
    cancel = next(b["callback_data"] for row in message.inline_buttons for b in row)
    await app.presses(STAFF, panel.message_id, cancel)
    shown = next(m for m in app.emu.messages(STAFF) if m.message_id == panel.message_id)
    assert "cancelled" in shown.text
    assert "Not sent after cancelling: 3" in shown.text
    await deliver_outbox(app)
    for user in PEOPLE:
        assert not [m for m in app.emu.messages(user) if m.kind == "photo"]


async def test_raising_the_capacity_offers_the_place_and_cancelling_tells_everyone(bot_app: BotApp) -> None:
    app = bot_app
    await _one_place_taken_one_waiting_and_the_card_open(app)
    card, more = with_button(app, STAFF, "v1:sa:+:")
    await app.presses(STAFF, card.message_id, more)
    await deliver_outbox(app)
    offer, take = with_button(app, 2002, "v1:ac:a:")
    await app.presses(2002, offer.message_id, take)
    assert "The place is yours" in joined(app.emu.calls_to(2002))

    card, cancel = with_button(app, STAFF, "v1:sa:X:")
    await app.presses(STAFF, card.message_id, cancel)
    sure, yes = with_button(app, STAFF, "v1:sa:y:")
    await app.presses(STAFF, sure.message_id, yes)
    await deliver_outbox(app)
    for user in (2001, 2002):
        assert "Cancelled: Tai chi" in app.emu.messages(user)[-1].text


async def test_a_retiree_who_turned_activity_notices_off_gets_none(bot_app: BotApp) -> None:
    app = bot_app
    await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    for user in PEOPLE:
        await register(app, user)
    await app.says(2003, en(buttons.SETTINGS))
    calls = await app.says(2003, en(buttons.NOTICES_ON))
    assert "not optional" in joined(calls)
    await compose(app, activity=False)
    assert "1 turned activity notices off" in app.emu.messages(STAFF)[-1].text
    await send(app)
    await deliver_outbox(app)
    assert [m.text for m in app.emu.messages(2001) if m.kind == "photo"] == [CAPTION]
    assert not [m for m in app.emu.messages(2003) if m.kind == "photo"]


async def test_staff_change_the_time_and_place_and_everyone_signed_up_is_told(bot_app: BotApp) -> None:
    app = bot_app
    await _one_place_taken_one_waiting_and_the_card_open(app)
    card, change = with_button(app, STAFF, "v1:sa:r:")
    calls = await app.presses(STAFF, card.message_id, change)
    assert "When should it start now?" in joined(calls)
    day = (app.clock.now() + timedelta(days=6)).date()
    await app.says(STAFF, f"{day.month}/{day.day} 14:00")
    await app.says(STAFF, "Garden behind the hall")
    calls = await app.says(STAFF, en(reschedule.CONFIRM))
    assert "2 people are told" in joined(calls)
    await deliver_outbox(app)
    for user in (2001, 2002):  # the one coming and the one waiting
        changed = app.emu.messages(user)[-1].text
        assert "Changed: Tai chi" in changed
        assert "Garden behind the hall" in changed
    assert "Changed" not in app.emu.messages(2003)[-1].text
