from __future__ import annotations

from bot.actions import InlineKeyboard
from bot.domain.records import StaffRole
from bot.services.staff_invites import create_invite
from tests.unit.chat import Chat, World, registered_retiree


def _data(keyboard: InlineKeyboard) -> list[str]:
    return [button.callback_data for row in keyboard.rows for button in row]


async def _staff_member(world: World) -> Chat:
    """Staff of the community the registered retiree lives in (chat 900)."""
    staff = world.chat(user_id=900)
    token = await create_invite(world.db.uow, world.community.code, StaffRole.STAFF, world.clock)
    await staff.command("start", token)
    return staff


async def test_question_more_and_handoff_to_staff(world: World) -> None:
    staff = await _staff_member(world)
    chat = await registered_retiree(world)

    await chat.say("丧葬费要带什么材料")
    assert "出处" in chat.text
    data = _data(chat.inline_keyboard)
    assert all(len(d.encode()) <= 64 for d in data)
    more = next(d for d in data if ":m:" in d)
    person = next(d for d in data if ":h:" in d)

    await chat.press(more)
    assert "出处" in chat.text

    await chat.press(person)
    assert "幸福社区" in chat.text
    (notice,) = world.db.state.outbox.values()
    assert notice.chat_id == 900
    assert "丧葬费要带什么材料" in (notice.text or "")
    assert notice.keyboard is not None

    await chat.press(person)  # a second press does not send it twice
    assert len(world.db.state.outbox) == 1

    (answer_button,) = _data(notice.keyboard)  # type: ignore[arg-type]
    await staff.press(answer_button)
    assert "丧葬费要带什么材料" in staff.text
    await staff.say("请带火化证明和身份证复印件来社区。")
    assert any(
        "火化证明" in (m.text or "") and m.chat_id == chat.user_id for m in world.db.state.outbox.values()
    )
    (question,) = world.db.state.questions.values()
    assert question.answer == "请带火化证明和身份证复印件来社区。"


async def test_unknown_question_is_logged_without_numbers(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("明天天气怎么样 我电话13912345678")
    assert ":h:" in " ".join(_data(chat.inline_keyboard))
    (logged,) = world.db.state.unanswered
    assert "13912345678" not in logged.text


async def test_policy_button_prompts_and_menu_buttons_still_work(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("📖 政策问答")
    assert chat.state is not None
    assert chat.state.flow == "policy"
    await chat.say("⚙️ 设置")
    assert chat.state is not None
    assert chat.state.flow == "settings"


async def test_staff_see_the_unanswered_list(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("给我讲个笑话")
    staff = world.chat(user_id=901)
    token = await create_invite(world.db.uow, world.community.code, StaffRole.STAFF, world.clock)
    await staff.command("start", token)
    await staff.say("❓ 未解答的问题")
    assert "讲个笑话" in staff.text


async def test_greetings_and_thanks_are_answered_in_kind_not_searched(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("老师您好！")
    assert chat.text == "您好！有什么可以帮您？请直接输入您的问题，或按下面的按钮。"
    assert chat.state is None  # still at the main menu

    await chat.say("丧葬费要带什么材料")
    assert "出处" in chat.text
    await chat.say("好的，谢谢您")
    assert chat.text == "不客气！还有什么需要，随时告诉我。"
    assert chat.state is not None
    assert chat.state.flow == "policy"  # still asking questions
    assert world.db.state.unanswered == []


async def test_a_question_that_starts_with_a_greeting_is_still_a_question(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("您好，请问丧葬费要带什么材料")
    assert "出处" in chat.text


async def test_ask_a_person_from_the_main_menu_passes_the_next_message_to_staff(world: World) -> None:
    await _staff_member(world)
    chat = await registered_retiree(world)

    await chat.say("📞 联系工作人员")
    assert "请把您的问题写在一条消息里发给我" in chat.text
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("policy", "for_person")

    await chat.say("我的养老金这个月少了两百块")
    (notice,) = world.db.state.outbox.values()
    assert notice.chat_id == 900
    assert "我的养老金这个月少了两百块" in (notice.text or "")


async def test_a_scam_call_gets_a_warning_and_a_person_not_an_answer(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("有人打电话说我的养老金要停了，让我转账交保证金")
    assert "这很像诈骗" in chat.text
    assert "110" in chat.text
    assert "出处" not in chat.text
    assert ":h:" in " ".join(_data(chat.inline_keyboard))


async def test_a_question_asking_two_things_gets_both_answers_in_one_reply(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("年审去哪里办要带什么")
    where, papers = chat.text.split("\n\n")[:2]
    assert "乡镇劳动保障事务所" in where
    assert "身份证" in papers
    assert chat.text.count("出处") == 1

    await chat.say("Where do I go for certification and what do I bring?")
    assert "township labour and social security office" in chat.text
    assert "ID card" in chat.text
    assert chat.text.count("Source") == 1
