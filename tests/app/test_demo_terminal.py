"""The demo's terminal screen: which buttons stay pressable after what the bot sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.app.demo.terminal import ChatScreen


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any
    chat_id: int | None = 1


CARD = Call(
    "sendMessage",
    {"text": "card", "reply_markup": {"inline_keyboard": [[{"text": "Approve", "callback_data": "x"}]]}},
    {"message_id": 7},
)


def test_a_document_sent_back_to_staff_leaves_the_cards_buttons_pressable() -> None:
    screen = ChatScreen()
    screen.show([CARD])
    lines = screen.show([Call("sendPhoto", {"photo": "f", "caption": "📄 cert"}, {"message_id": 8})])
    assert [c.label for c in screen.choices] == ["Approve"]
    assert lines[-1].strip() == "[1] Approve"


def test_a_message_without_buttons_still_clears_them() -> None:
    screen = ChatScreen()
    screen.show([CARD])
    screen.show([Call("sendMessage", {"text": "done"}, {"message_id": 9})])
    assert screen.choices == []
