"""The simulated users: what people do in their chats with the bot (open it, write, press buttons, send
photos, documents, voice, stickers, contacts), each turned into the update Telegram would deliver, and the
"say something and wait for the bot's answer" shortcuts the tests and the demo use."""

from __future__ import annotations

import copy
import itertools
import re
from typing import TYPE_CHECKING, Any

from bot.emulator.bots import BotState, CallbackRecord
from bot.emulator.methods import media_api
from bot.emulator.records import BotMessage, RecordedCall
from bot.emulator.world import ChatState, World, now

if TYPE_CHECKING:
    from collections.abc import Callable


class SimulatedUsers:
    """Mixed into the Emulator, whose state (the world, its bots and recorded calls) it acts on."""

    world: World
    calls: list[RecordedCall]
    _last_seq_for_chat: dict[int, int]
    _callback_ids: itertools.count[int]

    def bot(self, bot_id: int | None = None) -> BotState:
        raise NotImplementedError

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        raise NotImplementedError

    async def wait_quiet(
        self,
        chat_id: int | None = None,
        quiet: float | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------------------ users act
    def open_chat(
        self, user_id: int, *, first_name: str | None = None, language_code: str | None = None
    ) -> ChatState:
        """A user who opened the bot (so the bot may write to them) without sending anything yet."""
        user = self.world.user(user_id, first_name=first_name, language_code=language_code)
        return self.world.open_chat(user_id, user=user)

    def create_group(self, chat_id: int, title: str = "Community group") -> ChatState:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        return self.world.open_chat(chat_id, title=title)

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        fields: dict[str, Any],
        *,
        kind: str,
        text: str,
        first_name: str | None = None,
        language_code: str | None = None,
        bot_id: int | None = None,
        file_id: str | None = None,
        file_name: str | None = None,
    ) -> int:
        user = self.world.user(user_id, first_name=first_name, language_code=language_code)
        chat = self.world.open_chat(chat_id if chat_id is not None else user_id, user=user)
        message_id = chat.take_message_id()
        date = now()
        message = {
            "message_id": message_id,
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": date,
            **fields,
        }
        chat.api_messages[message_id] = message
        chat.messages[message_id] = BotMessage(
            message_id=message_id,
            chat_id=chat.chat_id,
            text=text,
            from_bot=False,
            kind=kind,
            date=date,
            file_id=file_id,
            file_name=file_name,
        )
        return self.bot(bot_id).enqueue("message", copy.deepcopy(message))

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        bot_id: int | None = None,
    ) -> int:
        """The user types `text`; returns the update_id. A leading /command gets its entity."""
        fields: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        return self._user_message(
            user_id,
            chat_id,
            fields,
            kind="text",
            text=text,
            first_name=first_name,
            language_code=language_code,
            bot_id=bot_id,
        )

    async def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
        bot_id: int | None = None,
    ) -> int:
        """The user presses an inline button; the data need not be on any button (forgeries)."""
        chat_key = chat_id if chat_id is not None else user_id
        chat = self.world.chats.get(chat_key)
        if chat is None or message_id not in chat.api_messages:
            raise ValueError(f"no message {message_id} in chat {chat_key}")
        user = self.world.user(user_id)
        bot = self.bot(bot_id)
        query_id = f"{abs(chat_key)}{next(self._callback_ids):08d}"
        bot.callbacks[query_id] = CallbackRecord(chat_id=chat_key)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": copy.deepcopy(chat.api_messages[message_id]),
            "chat_instance": str(abs(hash(("chat", chat_key)))),
            "data": callback_data,
        }
        return bot.enqueue("callback_query", query)

    async def _send_media(
        self,
        user_id: int,
        kind: str,
        content: bytes,
        *,
        caption: str | None,
        file_name: str | None,
        mime_type: str | None,
        chat_id: int | None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        stored = self.world.store_file(content, kind=kind, file_name=file_name, mime_type=mime_type)
        media = media_api(kind, stored)
        if isinstance(media, dict) and extra:
            media.update(extra)
        fields: dict[str, Any] = {kind: media}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message(
            user_id,
            chat_id,
            fields,
            kind=kind,
            text=caption or "",
            file_id=stored.file_id,
            file_name=file_name,
        )

    async def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        content: bytes = b"\xff\xd8\xff\xe0JFIF",
        chat_id: int | None = None,
    ) -> int:
        return await self._send_media(
            user_id,
            "photo",
            content,
            caption=caption,
            file_name=None,
            mime_type="image/jpeg",
            chat_id=chat_id,
        )

    async def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "document.pdf",
        content: bytes = b"%PDF-1.4\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> int:
        return await self._send_media(
            user_id,
            "document",
            content,
            caption=caption,
            file_name=file_name,
            mime_type=mime_type,
            chat_id=chat_id,
        )

    async def send_voice(
        self, user_id: int, *, content: bytes = b"OggS", duration: int = 3, chat_id: int | None = None
    ) -> int:
        return await self._send_media(
            user_id,
            "voice",
            content,
            caption=None,
            file_name=None,
            mime_type="audio/ogg",
            chat_id=chat_id,
            extra={"duration": duration},
        )

    async def send_video(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        content: bytes = b"\x00\x00\x00\x18ftypmp42",
        chat_id: int | None = None,
    ) -> int:
        return await self._send_media(
            user_id, "video", content, caption=caption, file_name=None, mime_type="video/mp4", chat_id=chat_id
        )

    async def send_sticker(self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None) -> int:
        return await self._send_media(
            user_id,
            "sticker",
            b"RIFF",
            caption=None,
            file_name=None,
            mime_type="image/webp",
            chat_id=chat_id,
            extra={"emoji": emoji},
        )

    async def send_contact(
        self, user_id: int, phone_number: str, *, first_name: str = "Contact", chat_id: int | None = None
    ) -> int:
        contact = {"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
        return self._user_message(user_id, chat_id, {"contact": contact}, kind="contact", text=phone_number)

    # ------------------------------------------------------------------------------ say & wait
    async def user_says(
        self,
        user_id: int,
        text: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        quiet: float | None = None,
        **kwargs: Any,
    ) -> list[RecordedCall]:
        """Send `text`, wait for the bot to answer that chat and fall quiet; return its calls."""
        chat_id = kwargs.get("chat_id") or user_id
        start = len(self.calls)
        await self.send_text(user_id, text, **kwargs)
        return await self._responses(chat_id, start, timeout, quiet)

    async def user_presses(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        quiet: float | None = None,
        chat_id: int | None = None,
    ) -> list[RecordedCall]:
        chat_key = chat_id if chat_id is not None else user_id
        start = len(self.calls)
        await self.press_button(user_id, message_id, data, chat_id=chat_id)
        return await self._responses(chat_key, start, timeout, quiet)

    async def _responses(
        self, chat_id: int, start: int, limit: float, quiet: float | None
    ) -> list[RecordedCall]:
        await self.wait_for(lambda: self._last_seq_for_chat.get(chat_id, -1) >= start, limit)
        await self.wait_quiet(chat_id, quiet, limit)
        return [call for call in self.calls[start:] if call.chat_id == chat_id]
