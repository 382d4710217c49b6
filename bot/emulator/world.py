"""The emulated Telegram side: users, chats, their messages and stored files.

Everything is keyed by id so a call costs O(1) whatever the history length; only listing a chat
walks its messages.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.records import BotMessage

DEFAULT_LANGUAGE = "zh-hans"


@dataclass(slots=True)
class UserProfile:
    user_id: int
    first_name: str
    language_code: str | None
    last_name: str | None = None
    username: str | None = None

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(slots=True)
class ChatState:
    chat_id: int
    type: str  # "private" or "supergroup"
    title: str | None = None
    first_name: str | None = None
    next_message_id: int = 1
    messages: dict[int, BotMessage] = field(default_factory=dict)
    api_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    blocked: bool = False

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or str(self.chat_id)
        else:
            chat["title"] = self.title or f"Group {self.chat_id}"
        return chat

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class World:
    def __init__(self) -> None:
        self.users: dict[int, UserProfile] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_seq = 0

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> UserProfile:
        profile = self.users.get(user_id)
        if profile is None:
            profile = UserProfile(
                user_id=user_id,
                first_name=first_name or f"User{user_id}",
                language_code=language_code or DEFAULT_LANGUAGE,
                last_name=last_name,
                username=username,
            )
            self.users[user_id] = profile
            return profile
        if first_name is not None:
            profile.first_name = first_name
        if language_code is not None:
            profile.language_code = language_code
        if last_name is not None:
            profile.last_name = last_name
        if username is not None:
            profile.username = username
        return profile

    def open_chat(
        self, chat_id: int, *, user: UserProfile | None = None, title: str | None = None
    ) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = ChatState(
                    chat_id=chat_id, type="private", first_name=user.first_name if user else None
                )
            else:
                chat = ChatState(chat_id=chat_id, type="supergroup", title=title)
            self.chats[chat_id] = chat
        elif title is not None:
            chat.title = title
        return chat

    def store_file(
        self, content: bytes, *, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        self._file_seq += 1
        unique = hashlib.blake2b(content + str(self._file_seq).encode(), digest_size=8).hexdigest()
        extension = _extension(kind, file_name)
        stored = StoredFile(
            file_id=f"EMU{kind[:3].upper()}{self._file_seq:06d}{unique}",
            file_unique_id=f"U{unique}",
            file_path=f"{kind}s/file_{self._file_seq}{extension}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def _extension(kind: str, file_name: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    return {"photo": ".jpg", "video": ".mp4", "voice": ".oga", "sticker": ".webp"}.get(kind, "")


def now() -> int:
    return int(time.time())
