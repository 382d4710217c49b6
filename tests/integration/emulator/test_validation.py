"""Every refusal the emulator promises, over real HTTP, and that each lands in emu.violations."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import Emulator

from .conftest import USER, RawApi


def _inline(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


async def _refused(api: RawApi, method: str, description: str, **params: Any) -> None:
    before = len(api.emu.violations)
    body = await api(method, **params)
    assert body["ok"] is False, body
    assert body["error_code"] == 400
    assert description in body["description"]
    assert len(api.emu.violations) == before + 1
    assert description in api.emu.violations[-1].description


@pytest.fixture(autouse=True)
async def _user_opened_chat(emu: Emulator) -> None:
    await emu.send_text(USER, "hi")


async def test_valid_call_is_no_violation(api: RawApi, emu: Emulator) -> None:
    body = await api("sendMessage", chat_id=USER, text="<b>你好</b>", parse_mode="HTML")
    assert body["ok"] is True
    assert body["result"]["text"] == "你好"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert emu.violations == []


async def test_unknown_parameter(api: RawApi) -> None:
    await _refused(api, "sendMessage", 'unknown parameter "txt"', chat_id=USER, text="x", txt="x")


async def test_missing_required_parameter(api: RawApi) -> None:
    await _refused(api, "sendMessage", "message text is empty", chat_id=USER)
    await _refused(api, "sendMessage", "chat_id is empty", text="x")


async def test_wrong_types(api: RawApi) -> None:
    await _refused(
        api, "sendMessage", 'field "disable_notification"', chat_id=USER, text="x", disable_notification=3
    )
    await _refused(api, "editMessageText", 'field "message_id"', chat_id=USER, message_id="one", text="x")
    await _refused(api, "sendMessage", 'field "reply_markup"', chat_id=USER, text="x", reply_markup=[1])


async def test_nested_button_fields_are_checked(api: RawApi) -> None:
    await _refused(
        api,
        "sendMessage",
        'unknown field "callback"',
        chat_id=USER,
        text="x",
        reply_markup=_inline({"text": "A", "callback": "a"}),
    )
    await _refused(
        api,
        "sendMessage",
        'field "text" is required',
        chat_id=USER,
        text="x",
        reply_markup={"keyboard": [[{"request_contact": True}]]},
    )
    await _refused(
        api,
        "sendMessage",
        'field "resize_keyboard"',
        chat_id=USER,
        text="x",
        reply_markup={"keyboard": [[{"text": "A"}]], "resize_keyboard": "yes"},
    )


async def test_json_encoded_complex_fields_are_accepted(api: RawApi, emu: Emulator) -> None:
    body = await api.form(
        "sendMessage",
        chat_id=USER,
        text="x",
        reply_markup=_inline({"text": "A", "callback_data": "a"}),
        disable_notification=True,
    )
    assert body["ok"] is True, body
    assert body["result"]["reply_markup"] == _inline({"text": "A", "callback_data": "a"})
    assert emu.violations == []


async def test_text_length(api: RawApi, emu: Emulator) -> None:
    await _refused(api, "sendMessage", "message is too long", chat_id=USER, text="长" * 4097)
    assert (await api("sendMessage", chat_id=USER, text="长" * 4096))["ok"] is True
    # Length counts after entity parsing: markup does not count.
    assert (await api("sendMessage", chat_id=USER, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"))["ok"]
    await _refused(
        api, "sendMessage", "message text is empty", chat_id=USER, text="<b></b>", parse_mode="HTML"
    )
    await _refused(api, "sendMessage", "message text is empty", chat_id=USER, text="   ")


async def test_caption_length(api: RawApi) -> None:
    await _refused(
        api,
        "sendPhoto",
        "message caption is too long",
        chat_id=USER,
        photo="https://x/y.jpg",
        caption="c" * 1025,
    )


async def test_callback_data_size(api: RawApi, emu: Emulator) -> None:
    ok = await api(
        "sendMessage", chat_id=USER, text="x", reply_markup=_inline({"text": "A", "callback_data": "a" * 64})
    )
    assert ok["ok"] is True
    await _refused(
        api,
        "sendMessage",
        "BUTTON_DATA_INVALID",
        chat_id=USER,
        text="x",
        reply_markup=_inline({"text": "A", "callback_data": "数" * 22}),  # 66 bytes in UTF-8
    )
    await _refused(
        api,
        "sendMessage",
        "BUTTON_DATA_INVALID",
        chat_id=USER,
        text="x",
        reply_markup=_inline({"text": "A", "callback_data": ""}),
    )


async def test_inline_button_without_action(api: RawApi) -> None:
    await _refused(
        api,
        "sendMessage",
        "Text buttons are unallowed",
        chat_id=USER,
        text="x",
        reply_markup=_inline({"text": "A"}),
    )


async def test_too_many_inline_buttons(api: RawApi) -> None:
    rows = [[{"text": f"{r}-{c}", "callback_data": f"{r}-{c}"} for c in range(8)] for r in range(13)]
    await _refused(
        api, "sendMessage", "BUTTONS_TOO_MUCH", chat_id=USER, text="x", reply_markup={"inline_keyboard": rows}
    )


@pytest.mark.parametrize("text", ["a < b", "Tom & Jerry", "<b>x", "<b>x</i>", "<p>x</p>", "x</b>"])
async def test_unparseable_html(api: RawApi, text: str) -> None:
    await _refused(api, "sendMessage", "can't parse entities:", chat_id=USER, text=text, parse_mode="HTML")


async def test_html_rules_apply_only_in_html_mode(api: RawApi) -> None:
    assert (await api("sendMessage", chat_id=USER, text="a < b & c"))["ok"] is True


async def test_unsupported_parse_mode(api: RawApi) -> None:
    await _refused(api, "sendMessage", "unsupported parse_mode", chat_id=USER, text="x", parse_mode="BBCode")


async def test_chat_not_found(api: RawApi) -> None:
    await _refused(api, "sendMessage", "chat not found", chat_id=777, text="x")


async def test_edit_rules(api: RawApi, emu: Emulator) -> None:
    sent = await api(
        "sendMessage", chat_id=USER, text="one", reply_markup=_inline({"text": "A", "callback_data": "a"})
    )
    message_id = sent["result"]["message_id"]
    markup = _inline({"text": "A", "callback_data": "a"})
    await _refused(
        api,
        "editMessageText",
        "message is not modified",
        chat_id=USER,
        message_id=message_id,
        text="one",
        reply_markup=markup,
    )
    await _refused(
        api,
        "editMessageReplyMarkup",
        "message is not modified",
        chat_id=USER,
        message_id=message_id,
        reply_markup=markup,
    )
    await _refused(
        api, "editMessageText", "message to edit not found", chat_id=USER, message_id=9999, text="two"
    )
    await _refused(api, "editMessageText", "message can't be edited", chat_id=USER, message_id=1, text="two")
    edited = await api(
        "editMessageText", chat_id=USER, message_id=message_id, text="two", reply_markup=markup
    )
    assert edited["result"]["text"] == "two"
    assert "edit_date" in edited["result"]
    # Without reply_markup the inline keyboard goes away, as on Telegram.
    removed = await api("editMessageText", chat_id=USER, message_id=message_id, text="two")
    assert "reply_markup" not in removed["result"]
    assert emu.messages(USER)[-1].reply_markup is None


async def test_delete_message(api: RawApi, emu: Emulator) -> None:
    sent = await api("sendMessage", chat_id=USER, text="bye")
    message_id = sent["result"]["message_id"]
    assert (await api("deleteMessage", chat_id=USER, message_id=message_id))["result"] is True
    assert all(m.message_id != message_id for m in emu.messages(USER))
    await _refused(api, "deleteMessage", "message to delete not found", chat_id=USER, message_id=message_id)


async def test_answer_callback_query_needs_a_live_query(api: RawApi, emu: Emulator) -> None:
    await _refused(api, "answerCallbackQuery", "query ID is invalid", callback_query_id="nope")
    sent = await api(
        "sendMessage", chat_id=USER, text="x", reply_markup=_inline({"text": "A", "callback_data": "a"})
    )
    await emu.press_button(USER, sent["result"]["message_id"], "a")
    updates = (await api("getUpdates"))["result"]
    query_id = updates[-1]["callback_query"]["id"]
    assert (await api("answerCallbackQuery", callback_query_id=query_id, text="好"))["result"] is True
    assert emu.calls[-1].chat_id == USER
    await _refused(api, "answerCallbackQuery", "query ID is invalid", callback_query_id=query_id)


async def test_unknown_method_is_404(api: RawApi, emu: Emulator) -> None:
    body = await api("sendTelepathy", chat_id=USER)
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert emu.violations[-1].error_code == 404


async def test_malformed_token_is_401(api: RawApi, emu: Emulator) -> None:
    api.token = "not-a-token"
    body = await api("getMe")
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert emu.violations[-1].error_code == 401


async def test_method_names_ignore_case(api: RawApi, emu: Emulator) -> None:
    body = await api("SENDMESSAGE", chat_id=USER, text="x")
    assert body["ok"] is True
    assert emu.calls[-1].method == "sendMessage"


async def test_other_spec_methods_are_validated_then_accepted(api: RawApi, emu: Emulator) -> None:
    assert (await api("setMyDescription", description="退休服务"))["result"] is True
    await _refused(api, "setMyDescription", 'unknown parameter "title"', title="x")


async def test_abstract_types_are_told_apart_by_their_type(api: RawApi, emu: Emulator) -> None:
    scope = {"type": "chat", "chat_id": USER}
    commands = [{"command": "start", "description": "开始"}]
    assert (await api("setMyCommands", commands=commands, scope=scope))["ok"] is True
    assert (await api("getMyCommands", scope=scope))["result"] == commands
    assert (await api("getMyCommands"))["result"] == []
    await _refused(api, "setMyCommands", "BotCommandScope", commands=commands, scope={"type": "chat"})
    await _refused(
        api, "setMyCommands", "BOT_COMMAND_INVALID", commands=[{"command": "Start!", "description": "x"}]
    )
    assert (await api("deleteMyCommands", scope=scope))["result"] is True
    assert (await api("getMyCommands", scope=scope))["result"] == []
    assert (await api("setChatMenuButton", chat_id=USER, menu_button={"type": "commands"}))["result"] is True
    assert (await api("getChatMenuButton", chat_id=USER))["result"] == {"type": "commands"}


async def test_violation_records_method_params_and_description(api: RawApi, emu: Emulator) -> None:
    await api("sendMessage", chat_id=USER, text="<b>", parse_mode="HTML")
    violation = emu.violations[-1]
    assert violation.method == "sendMessage"
    assert violation.params["text"] == "<b>"
    assert violation.description.startswith("Bad Request: can't parse entities:")
