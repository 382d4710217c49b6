"""Handing a question to a person, through both frameworks against the emulator: the community's staff get
it (with the retiree's name and community and an "Answer" button) through the outbox and the real delivery
sender, answer it in the bot, and the retiree gets the answer; unanswered for a day, it goes to the street's
supervisor."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.people import StaffRole
from bot.emulator import BotMessage
from bot.flows import buttons, handoff, policy
from bot.i18n import I18n
from bot.rendering import Renderer
from bot.services.questions import ANSWER, escalate_overdue_questions
from bot.services.staff_invites import create_invite
from scheduler.delivery import ActionBuilder, QuietHours, Sender, SenderConfig
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.integration.chat import RETIREE_COMMUNITY, RETIREE_ID, RETIREE_NAME, en, joined, reply_labels
from tests.integration.conftest import BotApp
from tests.integration.test_conversations import USER, register
from tests.integration.test_policy import loaded_answerer
from tests.parts import county_profile, shared_i18n

STAFF = 3001
SUPERVISOR = 3002
COMMUNITY_CODE = "2101010102"  # 柳岸社区, the sample retiree's community
STREET_CODE = "21010101"  # 春晖街道, the street above it
# Markup-like characters: what people type reaches the other side as they typed it.
QUESTION = "我女儿在外地，我能不能去她那边做认证 <急> & 谢谢"
REPLY = "可以。请先到社区登记您的外地住址，我们会把协助认证表寄给您 <b>不用跑</b> & 放心。"
DRAIN_TIMEOUT_S = 10.0
__all__ = ["loaded_answerer"]  # the fixture, used here too


async def deliver_outbox(app: BotApp) -> None:
    """Send what services queued, with the real delivery sender through this transport's messenger."""
    config = SenderConfig(quiet_hours=QuietHours.parse("off"), poll_interval_s=0.02, flush_interval_s=0.02)
    sender = Sender(
        SqlDeliveryQueue(app.database.sessions),
        app.transport.messenger,
        ActionBuilder(I18n()),
        app.clock,
        config,
    )
    await sender.drain(timeout=DRAIN_TIMEOUT_S)
    assert sender.stats.failed == 0


async def join_as_staff(app: BotApp, user: int, unit_code: str, role: StaffRole) -> None:
    token = await create_invite(app.database.uow, unit_code, role, app.clock)
    calls = await app.says(user, f"/start {token}")
    assert en(buttons.STAFF_UNIT) in reply_labels(calls)


def last_message(app: BotApp, chat_id: int) -> BotMessage:
    return app.emu.messages(chat_id)[-1]


async def ask_a_person(app: BotApp) -> None:
    await register(app)
    await app.says(USER, QUESTION)
    handed = await app.says(USER, en(buttons.ASK_PERSON))
    assert en(policy.HANDED_OFF) % {"unit": RETIREE_COMMUNITY} in joined(handed)


async def test_staff_answer_a_question_and_the_retiree_gets_it(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await ask_a_person(bot_app)

    await deliver_outbox(bot_app)
    notice = last_message(bot_app, STAFF)
    assert RETIREE_NAME in notice.text
    assert RETIREE_COMMUNITY in notice.text
    assert QUESTION in notice.text
    assert notice.button_texts() == [en(ANSWER)]

    await bot_app.presses(STAFF, notice.message_id, notice.callback_data(en(ANSWER)))
    assert QUESTION in last_message(bot_app, STAFF).text
    thanks = await bot_app.says(STAFF, REPLY)
    assert en(handoff.ANSWER_SENT) in joined(thanks)

    retiree_before = len(bot_app.emu.messages(USER))
    await deliver_outbox(bot_app)
    relayed = bot_app.emu.messages(USER)[retiree_before:]
    assert len(relayed) == 1
    assert REPLY in relayed[0].text
    assert QUESTION in relayed[0].text

    # The notice's button again, after the answer: nothing is sent twice.
    again = await bot_app.presses(STAFF, notice.message_id, notice.callback_data(en(ANSWER)))
    assert en(handoff.ALREADY_ANSWERED) in joined(again)
    await deliver_outbox(bot_app)
    assert len(bot_app.emu.messages(USER)) == retiree_before + 1


async def test_a_question_unanswered_for_a_day_goes_to_the_street_supervisor(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await join_as_staff(bot_app, SUPERVISOR, STREET_CODE, StaffRole.SUPERVISOR)
    await ask_a_person(bot_app)
    await deliver_outbox(bot_app)
    supervisor_before = len(bot_app.emu.messages(SUPERVISOR))

    bot_app.clock.offset += timedelta(hours=23)
    assert await _escalate(bot_app) == 0
    bot_app.clock.offset += timedelta(hours=2)
    assert await _escalate(bot_app) == 1
    await deliver_outbox(bot_app)

    (escalated,) = bot_app.emu.messages(SUPERVISOR)[supervisor_before:]
    assert RETIREE_NAME in escalated.text
    assert QUESTION in escalated.text
    assert escalated.button_texts() == [en(ANSWER)]
    # The supervisor answers it from the street; the retiree gets that answer.
    await bot_app.presses(SUPERVISOR, escalated.message_id, escalated.callback_data(en(ANSWER)))
    await bot_app.says(SUPERVISOR, REPLY)
    await deliver_outbox(bot_app)
    assert REPLY in last_message(bot_app, USER).text


async def test_an_id_number_typed_in_a_question_is_masked_before_it_is_stored(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await register(bot_app)
    await bot_app.says(USER, f"我的身份证是{RETIREE_ID}，这个月养老金怎么没到账")
    await bot_app.says(USER, en(buttons.ASK_PERSON))
    await deliver_outbox(bot_app)

    assert "这个月养老金" in last_message(bot_app, STAFF).text
    assert RETIREE_ID not in last_message(bot_app, STAFF).text
    assert RETIREE_ID[:4] + "*" * 10 + RETIREE_ID[-4:] in last_message(bot_app, STAFF).text
    files = [bot_app.db_path, bot_app.db_path.with_name(bot_app.db_path.name + "-wal")]
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    assert RETIREE_ID.encode() not in stored


async def test_the_big_ask_a_person_button_passes_on_the_latest_question(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await register(bot_app)
    await bot_app.says(USER, QUESTION)
    handed = await bot_app.says(USER, en(buttons.ASK_PERSON))
    assert en(policy.HANDED_OFF) % {"unit": RETIREE_COMMUNITY} in joined(handed)

    await deliver_outbox(bot_app)
    assert QUESTION in last_message(bot_app, STAFF).text
    # Pressed again, it does not send the same question twice: it asks for the next one.
    again = await bot_app.says(USER, en(buttons.ASK_PERSON))
    assert en(policy.TYPE_FOR_PERSON) in joined(again)


async def test_ask_a_person_before_any_question_takes_the_next_message_to_staff(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await register(bot_app)
    await bot_app.says(USER, en(buttons.POLICY))
    prompt = await bot_app.says(USER, en(buttons.ASK_PERSON))
    assert en(policy.TYPE_FOR_PERSON) in joined(prompt)

    handed = await bot_app.says(USER, QUESTION)
    assert en(policy.HANDED_OFF) % {"unit": RETIREE_COMMUNITY} in joined(handed)
    # The keyboard shown while the message was awaited had no "Ask a person": the next question's has.
    assert reply_labels(handed) == [en(buttons.MAIN_MENU), en(buttons.ASK_PERSON)]
    await deliver_outbox(bot_app)
    notice = last_message(bot_app, STAFF)
    assert QUESTION in notice.text
    assert notice.button_texts() == [en(ANSWER)]


async def test_a_second_press_of_the_big_button_does_not_pass_on_an_older_question(bot_app: BotApp) -> None:
    await join_as_staff(bot_app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
    await register(bot_app)
    await bot_app.says(USER, "丧葬费要带什么材料")
    await bot_app.says(USER, QUESTION)
    await bot_app.says(USER, en(buttons.ASK_PERSON))
    again = await bot_app.says(USER, en(buttons.ASK_PERSON))
    assert en(policy.TYPE_FOR_PERSON) in joined(again)

    await deliver_outbox(bot_app)
    (notice,) = [m for m in bot_app.emu.messages(STAFF) if RETIREE_NAME in m.text]
    assert QUESTION in notice.text


async def _escalate(bot_app: BotApp) -> int:
    i18n = shared_i18n()
    return await escalate_overdue_questions(
        bot_app.database.uow,
        bot_app.clock,
        i18n=i18n,
        renderer=Renderer(i18n),
        tz=county_profile().calendar.tz,
    )
