"""Neutral inbound events: what an adapter makes of a Telegram update, whatever the framework."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    CALLBACK = "callback"
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    VIDEO = "video"
    STICKER = "sticker"
    CONTACT = "contact"  # a phone number shared with the keyboard's "share my number" button
    OTHER = "other"
    # my_chat_member in a private chat: the user blocked the bot (or deleted the chat), or came back.
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"


@dataclass(frozen=True, slots=True)
class Event:
    """One update, reduced to what the flows need.

    `text` holds a message's text or caption; for a COMMAND it holds the arguments after the command
    (e.g. the deep-link token of `/start <token>`). `message_id` is the user's message, or for a CALLBACK
    the bot message whose button was pressed. A DOCUMENT carries its `mime_type` and `file_size` as
    Telegram reports them (either may be missing); a CONTACT its `phone`.
    """

    update_id: int
    kind: EventKind
    chat_id: int
    user_id: int
    chat_type: str = "private"
    text: str = ""
    command: str | None = None
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None
    file_id: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    phone: str | None = None
    language_code: str | None = None
    first_name: str = ""
