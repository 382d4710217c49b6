"""What tests look at: recorded calls, rejected calls, and the chat as the user sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RecordedCall:
    """One Bot API call as the emulator received it. `at` is time.monotonic()."""

    seq: int
    method: str
    params: dict[str, Any]
    ok: bool
    error: str | None
    at: float
    chat_id: int | None
    bot_id: int
    error_code: int | None = None
    result: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "params": jsonable(self.params),
            "ok": self.ok,
            "error": self.error,
            "error_code": self.error_code,
            "at": self.at,
            "chat_id": self.chat_id,
            "bot_id": self.bot_id,
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """A call Telegram would have refused (400/401/404/409): a bug in the bot."""

    method: str
    params: dict[str, Any]
    description: str
    error_code: int = 400

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": jsonable(self.params),
            "description": self.description,
            "error_code": self.error_code,
        }


@dataclass(frozen=True, slots=True)
class LimitBreach:
    """A sending call answered 429 because it exceeded a limit set with set_limits()."""

    method: str
    chat_id: int | None
    limit: str  # "global", "per_chat" or "per_group"
    retry_after: int
    at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "chat_id": self.chat_id,
            "limit": self.limit,
            "retry_after": self.retry_after,
            "at": self.at,
        }


@dataclass(slots=True)
class BotMessage:
    """A message in a chat, edits applied. `text` is what the user reads (entities parsed out);
    `html` is the text as the bot sent it. For media, `text` is the caption."""

    message_id: int
    chat_id: int
    text: str
    from_bot: bool
    kind: str = "text"  # text, photo, document, video, voice, sticker, contact
    html: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    edited: bool = False
    edit_count: int = 0
    date: int = 0
    file_id: str | None = None
    file_name: str | None = None
    deleted: bool = False

    @property
    def inline_buttons(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup is None:
            return []
        rows: list[list[dict[str, Any]]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    def button_texts(self) -> list[str]:
        return [button["text"] for row in self.inline_buttons for button in row]

    def callback_data(self, text: str) -> str:
        """The callback_data of the inline button labelled `text` (KeyError if none is)."""
        for row in self.inline_buttons:
            for button in row:
                if button["text"] == text and "callback_data" in button:
                    data: str = button["callback_data"]
                    return data
        raise KeyError(f"no inline button {text!r} in message {self.message_id}: {self.button_texts()}")

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "text": self.text,
            "from_bot": self.from_bot,
            "kind": self.kind,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "edited": self.edited,
            "edit_count": self.edit_count,
            "date": self.date,
            "file_id": self.file_id,
            "file_name": self.file_name,
        }


def jsonable(value: Any) -> Any:
    """Parameters may hold uploads (bytes); describe those so records serialise as JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    describe = getattr(value, "describe", None)
    if callable(describe):
        return describe()
    return value
