"""The notice-progress scan (bot/services/notices.refresh_progress) over the fakes: a notice whose batch has
settled reaches an end state, done or, when cancelled, stopped, and from then on is no longer looked at."""

from __future__ import annotations

from bot.actions import InlineKeyboard
from bot.callbacks import NoticeButton
from bot.domain.activities import Notice, NoticeStatus
from bot.domain.outbox import AttachmentKind, BatchProgress, OutboxStatus
from bot.domain.people import Account
from bot.services import notices
from tests.unit.chat import World, make_id
from tests.unit.flows.test_activities import NAMES, publish, staff


def _render(staff: Account, notice: Notice, progress: BatchProgress) -> tuple[str, InlineKeyboard | None]:
    return f"{notice.status.value} {notices.shown(progress)}", None


async def _refresh(world: World) -> int:
    async with world.db.uow() as uow:
        edits = await notices.refresh_progress(uow, world.clock.now(), _render)
        await uow.commit()
    return edits


def _edits(world: World, notice_id: int) -> list[str]:
    return [
        m.text or ""
        for m in world.db.state.outbox.values()
        if m.dedupe_key.startswith(f"notice-progress:{notice_id}:")
        and m.attachment is not None
        and m.attachment.kind is AttachmentKind.EDIT
    ]


async def _notice_to_two(world: World) -> tuple[int, list[str]]:
    s = await staff(world)
    for n in range(2):
        world.add_retiree(NAMES[n], make_id(sequence=300 + n))
        chat = world.chat(700 + n, "en")
        await chat.command("start")
        await chat.say("👴 I am a retiree")
        await chat.say(NAMES[n])
        await chat.say(make_id(sequence=300 + n).unmasked())
    notice_id = await publish(world, s)
    copies = sorted(k for k in world.db.state.outbox if k.startswith(f"notice:{notice_id}:"))
    assert len(copies) == 2
    return notice_id, copies


async def test_a_cancelled_notice_is_stopped_once_settled_and_then_no_longer_scanned() -> None:
    world = World()
    notice_id, copies = await _notice_to_two(world)
    world.db.state.outbox_status[copies[0]] = OutboxStatus.SENDING  # in flight when staff cancel
    s = world.chat(900, "en")
    await s.press(NoticeButton("x", notice_id).pack(), message_id=500)
    assert world.db.state.notices[notice_id].status is NoticeStatus.CANCELLED

    assert await _refresh(world) == 0  # the cancel press showed these counts already
    assert world.db.state.notices[notice_id].status is NoticeStatus.CANCELLED  # one still in flight

    world.db.state.outbox_status[copies[0]] = OutboxStatus.SENT
    assert await _refresh(world) == 1
    assert world.db.state.notices[notice_id].status is NoticeStatus.STOPPED
    assert _edits(world, notice_id)[-1] == "stopped 0/1/0/0/1"

    world.db.state.outbox_status[copies[1]] = OutboxStatus.SENT  # whatever happens to it now...
    assert await _refresh(world) == 0  # ... it is not looked at again
    async with world.db.uow() as uow:
        assert not await uow.notices.in_state(NoticeStatus.CANCELLED)
        assert not await uow.notices.in_state(NoticeStatus.SENDING)


async def test_a_notice_all_sent_is_done_and_then_no_longer_scanned() -> None:
    world = World()
    notice_id, copies = await _notice_to_two(world)
    for key in copies:
        world.db.state.outbox_status[key] = OutboxStatus.SENT
    assert await _refresh(world) == 1
    assert world.db.state.notices[notice_id].status is NoticeStatus.DONE
    assert _edits(world, notice_id)[-1] == "done 0/2/0/0/0"
    world.db.state.outbox_status[copies[0]] = OutboxStatus.FAILED
    assert await _refresh(world) == 0
