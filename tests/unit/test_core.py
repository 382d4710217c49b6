"""BotCore: one unit of work per update, global commands, and a reply to everything."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.actions import AnswerCallback, SendText
from bot.callbacks import UnlinkChoice
from bot.core import BotCore
from bot.domain.people import AccountRole
from bot.events import Event, EventKind
from bot.flows import policy, wording
from bot.flows.callback_dispatch import HANDLERS
from bot.flows.registry import FLOWS
from bot.i18n import I18n
from tests.fakes import FakeClock, FakeDatabase
from tests.parts import county_profile, shared_i18n, shared_knowledge
from tests.unit.chat import ID_KEY, STEPS, World, at_step

ZH = shared_i18n().translator("zh_Hans")
MEDIA = [
    EventKind.STICKER,
    EventKind.PHOTO,
    EventKind.VOICE,
    EventKind.VIDEO,
    EventKind.DOCUMENT,
    EventKind.OTHER,
]


def _event(**fields: object) -> Event:
    base = Event(
        update_id=1, kind=EventKind.COMMAND, chat_id=7, user_id=7, command="start", language_code="en"
    )
    return replace(base, **fields)  # type: ignore[arg-type]


async def test_redelivered_update_gets_no_reply(world: World) -> None:
    event = _event()
    assert await world.core.handle(event) != []
    assert await world.core.handle(event) == []


async def test_group_messages_get_a_private_chat_hint(world: World) -> None:
    actions = await world.core.handle(_event(chat_type="group", chat_id=-100))
    assert actions == [
        SendText(-100, "Please talk to me in a private chat: open my profile and press “Message”.")
    ]
    assert world.db.state.accounts == {}
    callback = await world.core.handle(
        _event(
            update_id=2, chat_type="supergroup", kind=EventKind.CALLBACK, callback_id="q", callback_data="x"
        )
    )
    assert callback == [AnswerCallback("q")]


async def test_a_failing_flow_rolls_back_and_apologises(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    chat = await at_step(world, "retiree_registration/name")
    flow = FLOWS["retiree_registration"]

    async def explode(*args: object) -> None:
        raise RuntimeError("secret user text 110101195005171234")

    monkeypatch.setattr(flow, "on_text", explode)
    before_state = chat.raw_state
    actions = await chat.say("张伟")
    assert [a.text for a in actions if isinstance(a, SendText)] == [ZH.gettext(wording.SOMETHING_WRONG)]
    assert chat.raw_state == before_state
    assert "RuntimeError" in caplog.text
    assert "110101195005171234" not in caplog.text
    assert "secret" not in caplog.text
    # The update is marked handled, so a redelivery does not apologise twice.
    event = _event(update_id=max(world.db.state.updates), chat_id=chat.user_id, user_id=chat.user_id)
    assert await world.core.handle(event) == []


async def test_failure_in_a_callback_still_answers_it(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = await at_step(world, "settings/confirm_unlink")

    async def explode(*args: object) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, UnlinkChoice, explode)
    await chat.press(chat.inline_keyboard.rows[0][0].callback_data)
    assert isinstance(chat.last[0], AnswerCallback)
    assert chat.texts == [ZH.gettext(wording.SOMETHING_WRONG)]
    assert chat.account.role is AccountRole.RETIREE


@pytest.mark.parametrize("step", STEPS)
async def test_cancel_from_every_step_leaves_nothing_half_saved(world: World, step: str) -> None:
    chat = await at_step(world, step)
    role_before = chat.account.role
    links_before = dict(world.db.state.family)
    await chat.command("cancel")
    assert chat.state is None or (chat.state.flow, chat.state.step) == ("start", "role")
    assert chat.account.role is role_before
    assert world.db.state.family == links_before
    assert chat.texts
    assert chat.reply_keyboard


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("kind", MEDIA)
async def test_unexpected_content_at_every_step_gets_a_reprompt(
    world: World, step: str, kind: EventKind
) -> None:
    chat = await at_step(world, step)
    state_before = chat.raw_state
    await chat.send_media(kind)
    assert ZH.gettext(wording.UNSUPPORTED_CONTENT) in chat.text
    assert chat.raw_state == state_before or step == "menu/retiree"
    assert chat.last[-1].keyboard is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(
    "data",
    ["v1:ul:deadbeef:y", "v1:zz", "garbage", "", "v1:ul:" + "9" * 80 + ":y", "v0:ul:00000000:y"],
)
async def test_forged_and_stale_callbacks_are_answered_and_reprompted(
    world: World, step: str, data: str
) -> None:
    chat = await at_step(world, step)
    role_before = chat.account.role
    await chat.press(data)
    assert len(chat.answered) == 1
    assert isinstance(chat.last[0], AnswerCallback)
    assert ZH.gettext(wording.STALE_BUTTON) in chat.text
    assert chat.account.role is role_before


@pytest.mark.parametrize("step", STEPS)
async def test_ask_a_person_works_at_every_step_and_keeps_the_place(world: World, step: str) -> None:
    chat = await at_step(world, step)
    state_before = chat.state
    await chat.say("📞 联系工作人员")
    if step == "menu/retiree":
        # From the main menu the question itself is asked for (tests/unit/flows/test_policy.py).
        assert ZH.gettext(policy.TYPE_FOR_PERSON) in chat.text
        return
    assert ZH.gettext("To talk to a person, please contact your community office.") in chat.text
    if step not in ("menu/retiree", "menu/staff"):
        assert chat.state == state_before


@pytest.mark.parametrize("step", STEPS)
async def test_random_and_huge_text_at_every_step_gets_an_answer(world: World, step: str) -> None:
    chat = await at_step(world, step)
    await chat.say("x" * 10_000)
    assert chat.texts
    assert all(len(text) <= 4096 for text in chat.texts)
    assert "x" * 100 not in chat.text


@pytest.mark.parametrize("step", STEPS)
async def test_main_menu_button_and_menu_command_leave_any_step(world: World, step: str) -> None:
    chat = await at_step(world, step)
    await chat.say("🏠 主菜单")
    assert chat.state is None or (chat.state.flow, chat.state.step) == ("start", "role")
    await chat.command("menu")
    assert chat.state is None or (chat.state.flow, chat.state.step) == ("start", "role")


async def test_help_and_unknown_commands_keep_the_current_step(world: World) -> None:
    chat = await at_step(world, "family_registration/id_number")
    await chat.command("help")
    assert ZH.gettext("Staff will never ask for SMS codes, passwords or money transfers.") in chat.text
    assert chat.state is not None
    assert chat.state.step == "id_number"
    await chat.command("frobnicate")
    assert ZH.gettext(wording.UNKNOWN_COMMAND) in chat.text
    assert chat.state is not None
    assert chat.state.step == "id_number"


async def test_first_contact_takes_the_locale_from_telegram(world: World) -> None:
    chat = world.chat(language_code="en-US")
    await chat.say("hello")
    assert chat.account.locale == "en"
    assert "👴 I am a retiree" in chat.buttons


async def test_state_of_a_removed_flow_is_dropped(world: World) -> None:
    chat = await at_step(world, "menu/retiree")
    world.db.state.conversations[(chat.user_id, chat.user_id)] = '{"flow": "gone", "step": "x", "data": {}}'
    await chat.say("❓ 帮助")
    assert chat.state is None
    assert "使用说明" in chat.text


def test_empty_hash_key_is_refused() -> None:
    db = FakeDatabase()
    with pytest.raises(ValueError, match="id_hash_key"):
        BotCore(
            uow_factory=db.uow,
            clock=FakeClock(),
            id_hash_key=b"",
            i18n=shared_i18n(),
            profile=county_profile(),
            knowledge=shared_knowledge(),
        )


async def test_the_default_locale_is_the_one_of_the_catalogs_given(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    db = FakeDatabase()
    core = BotCore(
        uow_factory=db.uow,
        clock=FakeClock(),
        id_hash_key=ID_KEY,
        i18n=I18n(default_locale="zh_Hant"),
        profile=county_profile(),
        knowledge=shared_knowledge(),
    )
    actions = await core.handle(_event(language_code=None))
    assert any(isinstance(a, SendText) and "請選擇語言" in a.text for a in actions)
    assert core.i18n.default_locale == "zh_Hant"
    assert caplog.text == ""


async def test_a_voice_message_gets_a_way_to_say_it_in_text(world: World) -> None:
    chat = await at_step(world, "menu/retiree")
    await chat.send_media(EventKind.VOICE)
    assert ZH.gettext(wording.UNSUPPORTED_CONTENT) in chat.text
    assert "话筒键" in chat.text
    await chat.send_media(EventKind.STICKER)
    assert "话筒键" not in chat.text


async def test_the_contacts_tell_a_registered_user_how_to_reach_staff_in_the_chat(world: World) -> None:
    registered = await at_step(world, "settings/menu")
    await registered.say("📞 联系工作人员")
    assert "请回到主菜单，按“📞 联系工作人员”" in registered.text


async def test_the_contacts_tell_a_newcomer_that_registering_opens_the_chat_with_staff(world: World) -> None:
    newcomer = await at_step(world, "retiree_registration/name")
    await newcomer.say("📞 联系工作人员")
    assert "登记之后，也可以在这里把问题发给工作人员" in newcomer.text
