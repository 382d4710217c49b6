"""A notice to a whole district, with the region profile's `activities.district_needs_approval`, through the
core over the fakes: it waits for a supervisor; approved, it goes out; rejected, it does not."""

from __future__ import annotations

from dataclasses import replace

from bot.actions import EditText
from bot.callbacks import NoticeButton
from bot.domain.activities import NoticeStatus
from bot.domain.people import StaffRole, UnitKind
from bot.events import EventKind
from bot.flows import buttons, notices
from bot.services.staff_invites import create_invite
from tests.unit.chat import Chat, World, registered_retiree


async def _district(world: World) -> tuple[Chat, Chat, Chat]:
    """Staff and a supervisor of a district above the community, and a retiree of the community."""
    assert world.profile.region.activities.district_needs_approval  # the county profile asks for it
    district = world.db.add_unit("D01", "东湖区", UnitKind.DISTRICT)
    world.db.state.units[world.community.id] = replace(world.community, parent_id=district.id)
    chats = []
    for user, role in ((900, StaffRole.STAFF), (950, StaffRole.SUPERVISOR)):
        chat = world.chat(user, "en")
        token = await create_invite(world.db.uow, district.code, role, world.clock)
        await chat.command("start", token)
        chats.append(chat)
    retiree = await registered_retiree(world, 601, "en")
    return chats[0], chats[1], retiree


async def _ask(world: World, s: Chat) -> int:
    await s.say(buttons.STAFF_NOTICES)
    await s.say(notices.NEW_NOTICE)
    await s._event(kind=EventKind.TEXT, text="Free health checks on Friday", message_id=77)
    assert s.state is not None
    notice_id = int(s.state.data["notice"])
    assert "sent once a supervisor approves it" in s.text  # the panel says so before Send
    await s.press(NoticeButton("ok", notice_id).pack(), message_id=500)
    edits = [a for a in s.last if isinstance(a, EditText)]
    assert [e.message_id for e in edits] == [500]
    assert "waits for a supervisor's approval" in edits[0].text
    return notice_id


def _copies(world: World, notice_id: int) -> list[str]:
    return [
        m.dedupe_key
        for m in world.db.state.outbox.values()
        if m.dedupe_key.startswith(f"notice:{notice_id}:")
    ]


def _approval_requests(world: World, notice_id: int) -> list[int | None]:
    return [
        m.account_id
        for m in world.db.state.outbox.values()
        if m.dedupe_key.startswith(f"notice-approval:{notice_id}:")
    ]


async def test_a_district_notice_waits_for_the_supervisor_and_goes_out_when_approved() -> None:
    world = World()
    s, supervisor, retiree = await _district(world)
    notice_id = await _ask(world, s)
    assert world.db.state.notices[notice_id].status is NoticeStatus.AWAITING_APPROVAL
    assert not _copies(world, notice_id)
    assert _approval_requests(world, notice_id) == [supervisor.account.id]

    await s.press(NoticeButton("ap", notice_id).pack(), message_id=501)  # not a supervisor: nothing
    assert world.db.state.notices[notice_id].status is NoticeStatus.AWAITING_APPROVAL

    await supervisor.press(NoticeButton("ap", notice_id).pack(), message_id=600)
    assert [a.text for a in supervisor.last if isinstance(a, EditText)] == [
        "Approved: the notice is being sent."
    ]
    assert world.db.state.notices[notice_id].status is NoticeStatus.SENDING
    assert _copies(world, notice_id) == [f"notice:{notice_id}:{retiree.account.id}"]

    await supervisor.press(NoticeButton("rj", notice_id).pack(), message_id=600)  # too late to reject
    assert world.db.state.notices[notice_id].status is NoticeStatus.SENDING


async def test_a_rejected_district_notice_is_not_sent_and_its_author_is_told() -> None:
    world = World()
    s, supervisor, _retiree = await _district(world)
    notice_id = await _ask(world, s)
    await supervisor.press(NoticeButton("rj", notice_id).pack(), message_id=600)
    assert [a.text for a in supervisor.last if isinstance(a, EditText)] == [
        "Rejected: the notice is not sent."
    ]
    assert world.db.state.notices[notice_id].status is NoticeStatus.REJECTED
    assert not _copies(world, notice_id)
    told = [
        m for m in world.db.state.outbox.values() if m.dedupe_key == f"notice-progress:{notice_id}:rejected"
    ]
    assert [m.account_id for m in told] == [s.account.id]
    assert told[0].text is not None
    assert "did not approve" in told[0].text

    await supervisor.press(NoticeButton("ap", notice_id).pack(), message_id=600)  # nor approved afterwards
    assert world.db.state.notices[notice_id].status is NoticeStatus.REJECTED
    assert not _copies(world, notice_id)
