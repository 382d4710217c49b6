from __future__ import annotations

from bot.actions import InlineKeyboard, SendText
from bot.domain.people import StaffRole
from bot.flows import buttons, policy
from bot.services.staff_invites import create_invite
from tests.parts import shared_i18n
from tests.unit.chat import Chat, World, registered_retiree

ZH = shared_i18n().translator("zh_Hans")
ASK_PERSON = ZH.gettext(buttons.ASK_PERSON)
MAIN_MENU = ZH.gettext(buttons.MAIN_MENU)


def _data(keyboard: InlineKeyboard) -> list[str]:
    return [button.callback_data for row in keyboard.rows for button in row]


def _inline_labels(chat: Chat) -> list[str]:
    return [
        button.text
        for action in chat.last
        if isinstance(action, SendText) and isinstance(action.keyboard, InlineKeyboard)
        for row in action.keyboard.rows
        for button in row
    ]


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
    (more,) = data

    await chat.press(more)
    assert "出处" in chat.text

    await chat.say(ASK_PERSON)  # the keyboard's big button passes on the latest question
    assert "幸福社区" in chat.text
    (notice,) = world.db.state.outbox.values()
    assert notice.chat_id == 900
    assert "丧葬费要带什么材料" in (notice.text or "")
    assert notice.keyboard is not None

    await chat.say(ASK_PERSON)  # a second press does not send it twice: it asks for the next message
    assert len(world.db.state.outbox) == 1
    assert ZH.gettext(policy.TYPE_FOR_PERSON) in chat.text

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
    assert "请按“联系工作人员”" in chat.text
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
    assert "按“📞 联系工作人员”" in chat.text
    await _staff_member(world)
    await chat.say(ASK_PERSON)
    (notice,) = world.db.state.outbox.values()
    assert "保证金" in (notice.text or "")


async def test_an_answer_does_not_offer_ask_a_person_and_main_menu_twice(world: World) -> None:
    chat = await registered_retiree(world)
    # At the main menu: its keyboard, with "Ask a person", stays under the answer.
    assert ASK_PERSON in chat.buttons
    for question in ("丧葬费要带什么材料", "明天天气怎么样，要不要带伞", "有人打电话让我转账交保证金"):
        await chat.say(question)
        assert chat.texts
        assert ASK_PERSON not in _inline_labels(chat)
        assert MAIN_MENU not in _inline_labels(chat)

    # In the policy flow: its keyboard has both; the answer only "More".
    await chat.say(ZH.gettext(buttons.POLICY))
    assert [ASK_PERSON] in [list(row) for row in chat.reply_keyboard.rows]
    assert [MAIN_MENU] in [list(row) for row in chat.reply_keyboard.rows]
    await chat.say("丧葬费要带什么材料")
    assert _inline_labels(chat) == [ZH.gettext(policy.MORE)]
    await chat.press(_data(chat.inline_keyboard)[0])
    assert "出处" in chat.text
    assert _inline_labels(chat) == []


async def test_a_second_press_of_ask_a_person_does_not_pass_on_an_older_question(world: World) -> None:
    await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say("丧葬费要带什么材料")
    await chat.say("退休人员每年都要认证吗")
    await chat.say(ASK_PERSON)
    await chat.say(ASK_PERSON)
    (notice,) = world.db.state.outbox.values()
    assert "每年都要认证" in (notice.text or "")
    assert ZH.gettext(policy.TYPE_FOR_PERSON) in chat.text


async def test_after_a_message_is_passed_on_the_keyboard_offers_a_person_again(world: World) -> None:
    await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say(ASK_PERSON)
    assert ASK_PERSON not in chat.buttons  # the message to pass on is awaited
    await chat.say("我的养老金这个月少了两百块")
    assert "幸福社区" in chat.text
    assert ASK_PERSON in chat.buttons
    assert MAIN_MENU in chat.buttons


async def test_the_person_and_menu_buttons_of_answers_sent_before_still_work(world: World) -> None:
    await _staff_member(world)
    chat = await registered_retiree(world)
    await chat.say("丧葬费要带什么材料")
    assert chat.state is not None
    number = chat.state.data["n"]
    await chat.press(f"v1:pq:h:{number}")
    (notice,) = world.db.state.outbox.values()
    assert "丧葬费要带什么材料" in (notice.text or "")
    await chat.press("v1:pq:menu")
    assert chat.state is None
    assert ZH.gettext(buttons.POLICY) in chat.buttons


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
