"""Neutral outbound actions: what the core asks an adapter to do, already rendered and translated.

Text is Telegram HTML (parse_mode=HTML), produced by bot.rendering with everything a user typed escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Telegram's limit for a file a bot uploads (sendDocument): 50 MB.
DOCUMENT_LIMIT_BYTES = 50 * 1000 * 1000


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback_data: str


@dataclass(frozen=True, slots=True)
class InlineKeyboard:
    rows: tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class ReplyKeyboard:
    """A persistent keyboard of big buttons under the input field; pressing one sends its text."""

    rows: tuple[tuple[str, ...], ...]
    placeholder: str | None = None
    # The label of the button (one of the rows') that shares the user's own phone number (request_contact):
    # the bot then receives a CONTACT event instead of the label.
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    pass


Keyboard = InlineKeyboard | ReplyKeyboard | RemoveKeyboard


@dataclass(frozen=True, slots=True)
class SendText:
    chat_id: int
    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True, slots=True)
class SendFile:
    """A photo or document Telegram already holds (by file_id), `caption` (Telegram HTML, ≤ 1024
    characters) under it. Used by proactive messages (outbox) that carry an attachment."""

    chat_id: int
    kind: str  # "photo" | "document" | "video"
    file_id: str
    caption: str | None = None
    keyboard: Keyboard | None = None


@dataclass(frozen=True, slots=True)
class SendDocument:
    """A file the bot made (e.g. a staff export), uploaded with the call; `caption` is Telegram HTML.

    `content` is the file's bytes, or (a large export) a temporary file written for this message alone:
    the adapter uploads it from disk, and whoever executes the action deletes it once it is sent or given
    up (handlers.pipeline). Either way at most DOCUMENT_LIMIT_BYTES."""

    chat_id: int
    filename: str
    content: bytes | Path
    caption: str | None = None

    def discard(self) -> None:
        """Delete the temporary file, if the content is one."""
        if isinstance(self.content, Path):
            self.content.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class CopyMessage:
    """A copy of a message (copyMessage): its text or media and caption with their formatting as written,
    without a link to the original; `keyboard` replaces its buttons. Returns the copy's message id."""

    chat_id: int
    from_chat_id: int
    message_id: int
    keyboard: InlineKeyboard | None = None


@dataclass(frozen=True, slots=True)
class EditText:
    chat_id: int
    message_id: int
    text: str
    keyboard: InlineKeyboard | None = None


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    callback_id: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteMessage:
    """Delete a message in the chat, e.g. the user's own message that contained their ID number.

    Bots may delete messages in private chats for 48 hours; a failure (too old, already gone) is harmless
    and the adapter should ignore it.
    """

    chat_id: int
    message_id: int


Action = SendText | SendFile | SendDocument | CopyMessage | EditText | AnswerCallback | DeleteMessage

# The actions that post a message: what Telegram counts against a bot's sending limits (its global rate,
# a chat's second, a group's minute). Edits, deletions and answers to button presses are not counted.
NewMessage = SendText | SendFile | SendDocument | CopyMessage
