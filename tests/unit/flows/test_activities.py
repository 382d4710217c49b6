"""Notices and activities through the core over the fakes: staff compose an activity and its notice,
choose the audience and send; retirees sign up, wait, are offered a freed place; the opt-out."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import CopyMessage, EditText
from bot.callbacks import ActivityButton, NoticeButton
from bot.domain.activities import SignupStatus
from bot.domain.outbox import AttachmentKind
from bot.domain.people import StaffRole
from bot.events import EventKind
from bot.flows import buttons, notices
from bot.services.staff_invites import create_invite
from tests.unit.chat import Chat, World, make_id, registered_retiree

NAMES = ("王一民", "王二民", "王三民")


async def staff(world: World) -> Chat:
    chat = world.chat(900, "en")
    token = await create_invite(world.db.uow, world.community.code, StaffRole.STAFF, world.clock)
    await chat.command("start", token)
    return chat


async def publish(world: World, s: Chat, capacity: str = "2") -> int:
    """Staff create an activity and send its notice to the community; returns the notice id."""
    await s.say(buttons.STAFF_NOTICES)
    await s.say(notices.NEW_ACTIVITY)
    await s.say("Tai chi")
    day = (world.clock.now() + timedelta(days=5)).date()
    await s.say(f"{day.isoformat()} 09:30")
    await s.say("Hall")
    await s.say(capacity)
    await s.say(notices.DAY_BEFORE)
    await s.say(notices.FOR_BOTH)
    await s.say(notices.NO)
    assert s.state is not None, s.text
    assert s.state.step == "compose", s.text
    await s._event(kind=EventKind.PHOTO, file_id="photo-1", text="<b>Tai chi</b> on Saturday", message_id=77)
    copies = [a for a in s.last if isinstance(a, CopyMessage)]
    assert copies == [CopyMessage(900, 900, 77, copies[0].keyboard)]
    assert copies[0].keyboard is not None  # the sign-up buttons, as recipients will see them
    assert s.state is not None
    assert s.state.step == "audience"
    notice_id = int(s.state.data["notice"])
    await s.press(NoticeButton("ok", notice_id).pack(), message_id=500)
    edits = [a for a in s.last if isinstance(a, EditText)]
    assert edits
    assert edits[0].message_id == 500
    assert "Notice:" in edits[0].text
    return notice_id


async def test_an_activity_notice_reaches_the_retirees_and_the_last_places_are_taken_in_order() -> None:
    world = World()
    s = await staff(world)
    people = []
    for n in range(3):
        world.add_retiree(NAMES[n], make_id(sequence=200 + n))
    for n, user in enumerate((601, 602, 603)):
        chat = world.chat(user, "en")
        await chat.command("start")
        await chat.say("👴 I am a retiree")
        await chat.say(NAMES[n])
        await chat.say(make_id(sequence=200 + n).unmasked())
        people.append(chat)
    notice_id = await publish(world, s)
    queued = [m for m in world.db.state.outbox.values() if m.dedupe_key.startswith(f"notice:{notice_id}:")]
    assert len(queued) == 3
    assert all(m.attachment is not None and m.attachment.kind is AttachmentKind.COPY for m in queued)
    activity_id = next(iter(world.db.state.activities))

    for chat in people:
        await chat.press(ActivityButton("s", activity_id).pack())
    assert "signed up" in people[0].text
    assert "signed up" in people[1].text
    assert "number 1 on the waiting list" in people[2].text

    mine = next(s for s in world.db.state.signups.values() if s.account_id == people[0].account.id)
    await people[0].press(ActivityButton("x", mine.id).pack())
    assert "cancelled" in people[0].text
    third = next(s for s in world.db.state.signups.values() if s.account_id == people[2].account.id)
    assert third.status is SignupStatus.OFFERED
    offer = next(
        m for m in world.db.state.outbox.values() if m.dedupe_key.startswith(f"act-offer:{third.id}:")
    )
    assert offer.account_id == people[2].account.id
    await people[2].press(ActivityButton("a", third.id).pack())
    assert world.db.state.signups[third.id].status is SignupStatus.CONFIRMED

    await people[2].say(buttons.ACTIVITIES)
    assert "Tai chi" in people[2].text


async def test_a_retiree_who_turned_activity_notices_off_is_counted_and_skipped() -> None:
    world = World()
    s = await staff(world)
    retiree = await registered_retiree(world, 601, "en")
    await retiree.say(buttons.SETTINGS)
    await retiree.say(buttons.NOTICES_ON)
    assert "not optional" in retiree.text
    assert buttons.NOTICES_OFF in retiree.buttons
    notice_id = await publish(world, s)
    assert not [m for m in world.db.state.outbox.values() if m.dedupe_key.startswith(f"notice:{notice_id}:")]
