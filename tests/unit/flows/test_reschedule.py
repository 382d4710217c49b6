"""Staff change an activity's time and place from its card, through the core over the fakes: forgiving
times, a time before sign-up closes refused, the summary confirmed, everyone signed up or waiting told."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.actions import InlineKeyboard, SendText
from bot.callbacks import ActivityButton, StaffActivityButton
from bot.flows import activities, reschedule
from tests.unit.chat import Chat, World, registered_retiree
from tests.unit.flows.test_activities import publish, staff


async def _activity_with_people(world: World) -> tuple[Chat, int, list[Chat]]:
    s = await staff(world)
    people = [await registered_retiree(world, 601, "en")]
    await publish(world, s, capacity="1")
    activity_id = next(iter(world.db.state.activities))
    await people[0].press(ActivityButton("s", activity_id).pack())
    return s, activity_id, people


def _told(world: World, account_id: int) -> list[str]:
    return [
        m.text or ""
        for m in world.db.state.outbox.values()
        if m.account_id == account_id and m.dedupe_key.startswith("act-changed:")
    ]


async def test_staff_move_an_activity_and_everyone_signed_up_is_told() -> None:
    world = World()
    s, activity_id, people = await _activity_with_people(world)
    await s.press(StaffActivityButton("v", activity_id).pack(), message_id=700)
    card = next(a for a in s.last if isinstance(a, SendText))
    assert isinstance(card.keyboard, InlineKeyboard)
    change = StaffActivityButton("r", activity_id).pack()
    labels = [b.text for row in card.keyboard.rows for b in row if b.callback_data == change]
    assert labels == [activities.CHANGE]
    await s.press(StaffActivityButton("r", activity_id).pack(), message_id=700)
    assert "When should it start now?" in s.text
    assert reschedule.KEEP_TIME in s.buttons

    await s.say("yesterday at noon")
    assert "could not read that" in s.text
    before = world.db.state.activities[activity_id]
    too_early = before.signup_deadline.astimezone(world.profile.calendar.tz) - timedelta(hours=1)
    await s.say(f"{too_early:%Y-%m-%d %H:%M}")
    assert "Sign-up closes" in s.text

    later = before.starts_at.astimezone(world.profile.calendar.tz) + timedelta(days=2)
    await s.say(f"{later.month}月{later.day}日 14点30")  # as the creation flow reads it
    assert "Where should it be now?" in s.text
    await s.say("Garden behind the hall")
    assert "Everyone signed up or waiting will be told" in s.text
    await s.say(reschedule.CONFIRM)
    assert "1 people are told" in s.text
    assert s.state is None

    moved = world.db.state.activities[activity_id]
    assert moved.place == "Garden behind the hall"
    assert moved.starts_at == datetime.combine(later.date(), time(14, 30), later.tzinfo)
    told = _told(world, people[0].account.id)
    assert len(told) == 1
    assert "Garden behind the hall" in told[0]


async def test_keeping_both_tells_nobody() -> None:
    world = World()
    s, activity_id, people = await _activity_with_people(world)
    await s.press(StaffActivityButton("r", activity_id).pack(), message_id=700)
    await s.say(reschedule.KEEP_TIME)
    await s.say(reschedule.KEEP_PLACE)
    await s.say(reschedule.CONFIRM)
    assert "nothing to tell anyone" in s.text
    assert not _told(world, people[0].account.id)


async def test_a_cancelled_activity_cannot_be_moved() -> None:
    world = World()
    s, activity_id, _people = await _activity_with_people(world)
    await s.press(StaffActivityButton("r", activity_id).pack(), message_id=700)
    await s.press(StaffActivityButton("y", activity_id).pack(), message_id=701)
    await s.say(reschedule.KEEP_TIME)
    assert "no longer yours to change" in s.text
