from __future__ import annotations

import pytest

from bot.emulator.records import BotMessage, RecordedCall, jsonable
from bot.emulator.validation import Upload


def _message() -> BotMessage:
    markup = {
        "inline_keyboard": [[{"text": "是", "callback_data": "y"}, {"text": "网站", "url": "https://x"}]]
    }
    return BotMessage(message_id=3, chat_id=1, text="确认?", from_bot=True, reply_markup=markup)


def test_button_helpers() -> None:
    message = _message()
    assert message.button_texts() == ["是", "网站"]
    assert message.callback_data("是") == "y"
    with pytest.raises(KeyError, match="网站"):
        message.callback_data("网站")  # a URL button carries no data


def test_reply_keyboards_have_no_inline_buttons() -> None:
    message = BotMessage(
        message_id=1, chat_id=1, text="menu", from_bot=True, reply_markup={"keyboard": [[{"text": "a"}]]}
    )
    assert message.inline_buttons == []


def test_uploads_serialise_as_descriptions() -> None:
    upload = Upload(filename="a.pdf", content=b"1234", content_type="application/pdf")
    call = RecordedCall(
        seq=0,
        method="sendDocument",
        params={"document": upload, "chat_id": 1},
        ok=True,
        error=None,
        at=0.0,
        chat_id=1,
        bot_id=5,
    )
    assert call.to_json()["params"]["document"] == {
        "upload": "a.pdf",
        "size": 4,
        "content_type": "application/pdf",
    }
    assert jsonable([{"x": upload}]) == [{"x": upload.describe()}]
