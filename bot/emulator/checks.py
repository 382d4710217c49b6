"""Content rules the Bot API enforces beyond parameter types: lengths, button data, markup size,
HTML that parses."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.html_entities import EntityParseError, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
_PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}
# Exactly one of these makes an inline button do something; a button with none is refused.
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass(frozen=True, slots=True)
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None


def parse_text(text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None) -> ParsedText:
    if parse_mode is None or parse_mode == "":
        return ParsedText(text=text, entities=list(entities or []))
    mode = _PARSE_MODES.get(parse_mode.lower())
    if mode is None:
        raise bad_request("unsupported parse_mode")
    if mode == "HTML":
        plain, parsed = _parse_html_cached(text)
        return ParsedText(text=plain, entities=[dict(e) for e in parsed], parse_mode=mode)
    # Markdown modes are not used by this project; the text is kept as sent.
    return ParsedText(text=text, entities=[], parse_mode=mode)


@lru_cache(maxsize=512)
def _parse_html_cached(text: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    # Each text is checked before the call is admitted and again when it is stored; bots also
    # resend the same menus over and over. Callers copy the entity dicts.
    try:
        plain, parsed = parse_html(text)
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    return plain, tuple(parsed)


def message_text(params: dict[str, Any]) -> ParsedText:
    parsed = parse_text(params["text"], params.get("parse_mode"), params.get("entities"))
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed


def caption(params: dict[str, Any]) -> ParsedText | None:
    if "caption" not in params:
        return None
    parsed = parse_text(params["caption"], params.get("parse_mode"), params.get("caption_entities"))
    if utf16_len(parsed.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed


def reply_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    if "inline_keyboard" in markup:
        _inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button["text"] if isinstance(button, dict) else button
                if not str(text).strip():
                    raise bad_request("keyboard button text is empty")


def _inline_keyboard(rows: list[list[dict[str, Any]]]) -> None:
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not button.get("text", "").strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [name for name in _INLINE_ACTIONS if name in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of " + ", ".join(actions) + " expected"
                )
            if "callback_data" in button:
                size = len(button["callback_data"].encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
    if count > MAX_INLINE_BUTTONS:
        raise bad_request("BUTTONS_TOO_MUCH")


def callback_answer(params: dict[str, Any]) -> None:
    if utf16_len(params.get("text", "")) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")


_TEXT_METHODS = {"sendmessage", "editmessagetext"}


def content(method_lower: str, params: dict[str, Any]) -> None:
    """Content rules, checked before blocks, faults and rate limits so a bad call is always seen."""
    if method_lower in _TEXT_METHODS:
        message_text(params)
    if "reply_markup" in params:
        reply_markup(params["reply_markup"])
    if "caption" in params:
        caption(params)
