"""A resident ID number typed anywhere but the registration's ID step is deleted from the chat, masked before
any flow sees it, and the reply says why (with the normal reply when there was more to the message)."""

from __future__ import annotations

import logging

import pytest

from bot.actions import Action, DeleteMessage, InlineKeyboard, SendText
from bot.domain.people import StaffRole
from bot.flows import buttons, handoff, id_guard, identify
from bot.services.staff_invites import create_invite
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_ID, STEPS, Chat, World, at_step, make_id, registered_retiree

ZH = shared_i18n().translator("zh_Hans")
NOTE = ZH.gettext(identify.DELETED)
PLAIN = ROSTER_ID.unmasked()
MASKED = ROSTER_ID.masked
# Steps that ask for the number read it themselves (tests/unit/flows/test_retiree_registration.py).
ELSEWHERE = [step for step in STEPS if not step.endswith("/id_number")]


def _everything_stored(world: World, chat: Chat) -> str:
    state = world.db.state
    return repr(
        (
            chat.raw_state,
            list(state.outbox.values()),
            list(state.questions.values()),
            state.unanswered,
            state.audit,
        )
    )


async def _staff_member(world: World, user_id: int = 900) -> Chat:
    staff = world.chat(user_id=user_id)
    token = await create_invite(world.db.uow, world.community.code, StaffRole.STAFF, world.clock)
    await staff.command("start", token)
    return staff


@pytest.mark.parametrize("step", ELSEWHERE)
async def test_an_id_number_typed_at_any_other_step_is_deleted_and_the_step_asked_again(
    world: World, step: str
) -> None:
    chat = await at_step(world, step)
    state_before = chat.state
    await chat.say(f" {PLAIN[:6]} {PLAIN[6:14]} {PLAIN[14:]} ")

    assert len(chat.deleted) == 1
    (deleted,) = [a for a in chat.last if isinstance(a, DeleteMessage)]
    assert chat.last[0] == deleted
    assert chat.texts[0].startswith(NOTE)
    assert chat.state == state_before  # the note, then the step's question again
    assert PLAIN not in _everything_stored(world, chat)


async def test_a_question_holding_an_id_number_is_answered_after_the_note(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say(f"我的身份证是{PLAIN}，丧葬费要带什么材料")

    assert len(chat.deleted) == 1
    (reply,) = chat.texts  # one message: the note, then the answer
    assert reply.startswith(NOTE)
    assert "出处" in reply
    assert chat.state is not None
    assert chat.state.flow == "policy"
    assert MASKED in chat.raw_state
    assert PLAIN not in _everything_stored(world, chat)


async def test_a_question_the_bot_cannot_answer_is_logged_without_the_id_number(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say(f"明天天气怎么样 {PLAIN}")
    assert chat.texts[0].startswith(NOTE)
    assert world.db.state.unanswered
    assert PLAIN not in _everything_stored(world, chat)


async def test_a_message_to_staff_holding_an_id_number_is_passed_on_masked(world: World) -> None:
    await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say(ZH.gettext(buttons.ASK_PERSON))
    await chat.say(f"我的身份证号{PLAIN}，这个月养老金没到账")

    assert len(chat.deleted) == 1
    assert chat.texts[0].startswith(NOTE)
    assert "幸福社区" in chat.text  # passed on
    (notice,) = world.db.state.outbox.values()
    assert MASKED in (notice.text or "")
    assert PLAIN not in _everything_stored(world, chat)


async def test_a_staff_answer_holding_an_id_number_is_stored_and_relayed_masked(world: World) -> None:
    staff = await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say("我的养老金这个月少了两百块")
    await chat.say(ZH.gettext(buttons.ASK_PERSON))
    (notice,) = world.db.state.outbox.values()
    assert isinstance(notice.keyboard, InlineKeyboard)
    await staff.press(notice.keyboard.rows[0][0].callback_data)

    await staff.say(f"您好，身份证{PLAIN}的记录已经查到，下月补发。")

    assert len(staff.deleted) == 1
    assert staff.texts[0].startswith(NOTE)
    assert ZH.gettext(handoff.ANSWER_SENT) in staff.text
    (question,) = world.db.state.questions.values()
    assert question.answer is not None
    assert MASKED in question.answer
    assert PLAIN not in _everything_stored(world, chat)


async def test_a_staff_answer_holding_a_mistyped_id_number_is_stored_masked_too(world: World) -> None:
    staff = await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say(ZH.gettext(buttons.ASK_PERSON))
    await chat.say("我的养老金这个月少了两百块")
    (notice,) = world.db.state.outbox.values()
    assert isinstance(notice.keyboard, InlineKeyboard)
    await staff.press(notice.keyboard.rows[0][0].callback_data)
    mistyped = PLAIN[:17] + ("1" if PLAIN[-1] != "1" else "2")

    await staff.say(f"身份证{mistyped}的记录没有查到")

    assert staff.deleted == []  # not a valid number: not deleted, but like questions, stored masked
    (question,) = world.db.state.questions.values()
    assert question.answer == f"身份证{mistyped[:4]}**********{mistyped[-4:]}的记录没有查到"
    assert mistyped not in _everything_stored(world, chat)


async def test_an_id_number_in_a_command_is_deleted_too(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.command("start", PLAIN)
    assert len(chat.deleted) == 1
    assert chat.texts[0].startswith(NOTE)


async def test_the_name_step_deletes_an_id_number_once_and_says_why(world: World) -> None:
    chat = await at_step(world, "retiree_registration/name")
    await chat.say(PLAIN)
    assert len(chat.deleted) == 1
    assert chat.texts[0].startswith(NOTE)
    assert ZH.gettext(identify.NAME_IS_NUMBER) in chat.text  # the number comes next
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("retiree_registration", "name")


@pytest.mark.parametrize(
    "text",
    [
        PLAIN[:17] + ("1" if PLAIN[-1] != "1" else "2"),  # a wrong check character: no ID number
        "我的电话是13800138000",
        "丧葬费要带什么材料",
    ],
)
async def test_text_without_a_valid_id_number_is_not_deleted(world: World, text: str) -> None:
    chat = await registered_retiree(world)
    await chat.say(text)
    assert chat.deleted == []
    assert NOTE not in chat.text


async def test_the_registration_id_step_reads_the_number_itself(world: World) -> None:
    chat = await at_step(world, "retiree_registration/id_number")
    await chat.say(make_id(sequence=456).unmasked())  # not on the roster
    assert len(chat.deleted) == 1
    assert ZH.gettext(identify.NOT_FOUND) in chat.text
    assert chat.state is not None
    assert chat.state.step == "id_number"


async def test_the_id_number_is_not_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await _staff_member(world)
    chat = await registered_retiree(world)
    for text in (PLAIN, f"我的身份证是{PLAIN}", ZH.gettext(buttons.ASK_PERSON), f"{PLAIN} 帮我查一下"):
        await chat.say(text)
    assert PLAIN not in caplog.text


def test_the_note_leads_the_first_message_or_goes_before_it_when_that_is_full() -> None:
    delete = DeleteMessage(7, 10)
    short: list[Action] = [delete, SendText(7, "answer"), SendText(7, "more")]
    id_guard.lead_with("note", short, 7)
    assert short == [delete, SendText(7, "note\n\nanswer"), SendText(7, "more")]

    full: list[Action] = [delete, SendText(7, "x" * 4093)]
    id_guard.lead_with("note", full, 7)
    assert full == [delete, SendText(7, "note"), SendText(7, "x" * 4093)]

    nothing: list[Action] = [delete]
    id_guard.lead_with("note", nothing, 7)
    assert nothing == [delete, SendText(7, "note")]
