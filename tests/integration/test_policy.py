"""Policy questions through both frameworks against the emulator: the policy button, answers with their
source line and "More" (a person and the main menu are the reply keyboard's), free text at the main menu,
the question's own language, and the honest "I don't know"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator import BotMessage
from bot.flows import buttons, policy
from bot.i18n import I18n
from bot.knowledge.model import Passage
from bot.knowledge.provider import KnowledgeProvider
from tests.integration.chat import en, joined, reply_labels
from tests.integration.conftest import BotApp
from tests.integration.test_conversations import USER, register

I18N = I18n()
HANS = I18N.translator("zh_Hans")


@pytest.fixture(autouse=True)
async def loaded_answerer() -> None:
    """Load the knowledge base before the conversation (once per process): the first question would
    otherwise wait for it, longer than the emulator waits for an answer on a busy machine."""
    await KnowledgeProvider().get()


def last_message(app: BotApp) -> BotMessage:
    return app.emu.messages(USER)[-1]


def source_label(lang: str) -> str:
    """What the source line starts with in `lang` ("出处：", "Source: "), from the catalogue."""
    return I18N.translator(lang).gettext("Source: %(source)s").split("%")[0]


def body(message: BotMessage) -> str:
    """The message without its source line."""
    return message.text.split("📄")[0].strip()


async def test_the_policy_button_answers_with_source_more_and_menu(bot_app: BotApp) -> None:
    await register(bot_app)

    prompt = await bot_app.says(USER, en(buttons.POLICY))
    assert en(policy.ASK_PROMPT) in joined(prompt)
    assert reply_labels(prompt) == [en(buttons.MAIN_MENU), en(buttons.ASK_PERSON)]

    await bot_app.says(USER, "丧葬费要带什么材料")
    answer = last_message(bot_app)
    assert "火化" in answer.text
    assert source_label("zh_Hans") in answer.text
    # Buttons speak the user's language (English here); the answer speaks the question's. A person and the
    # main menu are the keyboard's buttons under it, not offered twice.
    assert answer.button_texts() == [en(policy.MORE)]
    assert all(len(button["callback_data"].encode()) <= 64 for row in answer.inline_buttons for button in row)

    await bot_app.presses(USER, answer.message_id, answer.callback_data(en(policy.MORE)))
    details = last_message(bot_app)
    assert details.message_id != answer.message_id
    assert source_label("zh_Hans") in details.text
    # The details are a message of their own, telling what the short answer left out.
    assert body(details)
    assert body(details) not in body(answer)
    assert details.button_texts() == []

    menu = await bot_app.says(USER, en(buttons.MAIN_MENU))
    assert en(buttons.POLICY) in reply_labels(menu)


async def test_free_text_at_the_main_menu_is_answered_in_the_question_s_language(bot_app: BotApp) -> None:
    await register(bot_app)

    await bot_app.says(USER, "养老金资格认证每年什么时候办")
    simplified = last_message(bot_app)
    await bot_app.says(USER, "退休人員每年要做資格認證嗎，在哪裡辦")
    traditional = last_message(bot_app)
    await bot_app.says(USER, "Where do I do the yearly pension certification?")
    english = last_message(bot_app)

    assert "认证" in simplified.text
    assert source_label("zh_Hans") in simplified.text
    assert "認證" in traditional.text
    assert source_label("zh_Hant") in traditional.text
    assert "认证" not in traditional.text
    assert "certif" in english.text.lower()
    assert source_label("en") in english.text
    for message in (simplified, traditional, english):
        assert en(buttons.ASK_PERSON) not in message.button_texts()
        assert en(buttons.MAIN_MENU) not in message.button_texts()


async def test_an_out_of_scope_question_gets_an_honest_answer_and_a_person(bot_app: BotApp) -> None:
    await register(bot_app)
    await bot_app.says(USER, en(buttons.POLICY))

    await bot_app.says(USER, "明天天气怎么样，要不要带伞")
    reply = last_message(bot_app)

    assert (
        HANS.gettext(
            "Press “Ask a person” and your question goes to your community office; the answer will come here."
        )
        in reply.text
    )
    assert source_label("zh_Hans") not in reply.text
    assert reply.button_texts() == []  # "Ask a person" is the keyboard's, under it


# A long passage of a notice ingested in Traditional characters (made up), so that "More" has more to show.
NOTICE = Passage(
    990001,
    "關於老年人乘車優待證辦理的通知",
    "二、辦理材料",
    "申請老年人乘車優待證，請攜帶本人身份證原件和近期一寸免冠照片兩張，到居住地社區服務站登記。"
    + "社區每月集中報送縣交通運輸局，審核通過後由社區通知本人領取。" * 12,
)


@pytest.fixture
async def ingested_notice() -> AsyncIterator[None]:
    """The notice among the passages of the process's answerer (the one the bot uses), then gone again."""
    answerer = await KnowledgeProvider().get()
    before = answerer.passages
    answerer.set_passages([NOTICE])
    yield
    answerer.set_passages(before)


@pytest.mark.usefixtures("ingested_notice")
async def test_a_notice_s_passage_is_quoted_in_the_question_s_script(bot_app: BotApp) -> None:
    await register(bot_app)

    await bot_app.says(USER, "乘车优待证要带什么材料")
    answer = last_message(bot_app)
    assert HANS.gettext("From a notice:") in answer.text
    assert "近期一寸免冠照片两张" in answer.text  # Simplified, though the notice is Traditional
    assert "关于老年人乘车优待证办理的通知" in answer.text
    assert answer.button_texts() == [en(policy.MORE)]

    await bot_app.presses(USER, answer.message_id, answer.callback_data(en(policy.MORE)))
    details = last_message(bot_app)
    assert details.message_id != answer.message_id
    assert "审核通过后由社区通知本人领取" in details.text
    assert "審核" not in details.text
    assert source_label("zh_Hans") in details.text
