"""The Bot API objects the adapters read, as both frameworks' classes have them.

aiogram's pydantic models and python-telegram-bot's classes carry the Bot API's own field names, so one
piece of code can read either. These Protocols say what that code reads, and nothing more. Their members
are read-only properties: a property's type may be narrowed by the implementing class (aiogram's
`list[PhotoSize] | None` and PTB's `tuple[PhotoSize, ...]` both satisfy `Sequence[PhotoSize] | None`),
where a plain attribute would have to match exactly. They cost nothing at run time: nothing is checked
or wrapped, the framework's object is read as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class User(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str: ...
    @property
    def language_code(self) -> str | None: ...


class Chat(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...


class File(Protocol):
    """An animation, voice, video or sticker: what the conversion reads of each."""

    @property
    def file_id(self) -> str: ...


class PhotoSize(File, Protocol):
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


class Document(File, Protocol):
    @property
    def mime_type(self) -> str | None: ...
    @property
    def file_size(self) -> int | None: ...


class Contact(Protocol):
    @property
    def phone_number(self) -> str: ...


class MaybeInaccessibleMessage(Protocol):
    """What even a message too old for the bot to see (the one under a pressed button) still has."""

    @property
    def message_id(self) -> int: ...
    @property
    def chat(self) -> Chat: ...


class Message(MaybeInaccessibleMessage, Protocol):
    @property
    def from_user(self) -> User | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def photo(self) -> Sequence[PhotoSize] | None: ...
    @property
    def document(self) -> Document | None: ...
    @property
    def animation(self) -> File | None: ...
    @property
    def voice(self) -> File | None: ...
    @property
    def video(self) -> File | None: ...
    @property
    def sticker(self) -> File | None: ...
    @property
    def contact(self) -> Contact | None: ...


class CallbackQuery(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def data(self) -> str | None: ...
    @property
    def from_user(self) -> User: ...
    @property
    def message(self) -> MaybeInaccessibleMessage | None: ...


class ChatMember(Protocol):
    @property
    def status(self) -> str: ...


class ChatMemberUpdated(Protocol):
    @property
    def chat(self) -> Chat: ...
    @property
    def from_user(self) -> User: ...
    @property
    def new_chat_member(self) -> ChatMember: ...


class Update(Protocol):
    @property
    def update_id(self) -> int: ...
    @property
    def message(self) -> Message | None: ...
    @property
    def callback_query(self) -> CallbackQuery | None: ...
    @property
    def my_chat_member(self) -> ChatMemberUpdated | None: ...


class WebhookInfo(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def pending_update_count(self) -> int: ...
    @property
    def last_error_date(self) -> datetime | None: ...
    @property
    def last_error_message(self) -> str | None: ...
