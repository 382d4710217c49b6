"""Reading what the bot did, for the conversation tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.resident_id import ResidentId
from bot.emulator import RecordedCall
from bot.i18n import I18n

EN = I18n(default_locale="en").translator("en")
# A retiree of the sample roster (samples/roster.csv), with the community it belongs to.
RETIREE_NAME = "李德明"
RETIREE_ID = "210102194306121039"
RETIREE_COMMUNITY = "柳岸社区"


def en(message: str) -> str:
    return EN.gettext(message)


def sent_texts(calls: list[RecordedCall]) -> list[str]:
    return [str(c.params["text"]) for c in calls if c.method in ("sendMessage", "editMessageText")]


def joined(calls: list[RecordedCall]) -> str:
    return "\n".join(sent_texts(calls))


def methods(calls: list[RecordedCall]) -> list[str]:
    return [c.method for c in calls]


def last_markup(calls: list[RecordedCall]) -> dict[str, Any]:
    markups = [c.params["reply_markup"] for c in calls if "reply_markup" in c.params]
    assert markups, f"no keyboard in {methods(calls)}"
    markup: dict[str, Any] = markups[-1]
    return markup


def reply_labels(calls: list[RecordedCall]) -> list[str]:
    markup = last_markup(calls)
    return [button["text"] for row in markup.get("keyboard", []) for button in row]


def unknown_id(sequence: int) -> str:
    """A valid ID number that is in no roster."""
    return ResidentId.build("210103", date(1950, 1, 1), sequence).unmasked()
