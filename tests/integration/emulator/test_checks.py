from __future__ import annotations

import pytest

from bot.emulator import checks
from bot.emulator.errors import ApiError


def test_parse_modes_are_case_insensitive() -> None:
    assert checks.parse_text("<b>x</b>", "html", None).text == "x"
    assert checks.parse_text("*x*", "MarkdownV2", None).text == "*x*"
    assert checks.parse_text("<b>x</b>", None, None).text == "<b>x</b>"


def test_cached_parses_hand_out_independent_entities() -> None:
    first = checks.parse_text("<b>x</b>", "HTML", None)
    first.entities[0]["length"] = 99
    assert checks.parse_text("<b>x</b>", "HTML", None).entities[0]["length"] == 1


def test_length_is_counted_in_utf16_units() -> None:
    checks.message_text({"text": "😀" * 2048})
    with pytest.raises(ApiError, match="message is too long"):
        checks.message_text({"text": "😀" * 2049})


def test_caption_limit() -> None:
    assert checks.caption({}) is None
    with pytest.raises(ApiError, match="caption is too long"):
        checks.caption({"caption": "x" * 1025})


def test_two_actions_on_one_button() -> None:
    with pytest.raises(ApiError, match="exactly one of"):
        checks.reply_markup({"inline_keyboard": [[{"text": "a", "url": "https://x", "callback_data": "a"}]]})


def test_empty_reply_keyboard_button() -> None:
    with pytest.raises(ApiError, match="keyboard button text is empty"):
        checks.reply_markup({"keyboard": [[{"text": " "}]]})


def test_callback_answer_length() -> None:
    checks.callback_answer({"text": "好" * 200})
    with pytest.raises(ApiError, match="MESSAGE_TOO_LONG"):
        checks.callback_answer({"text": "好" * 201})
