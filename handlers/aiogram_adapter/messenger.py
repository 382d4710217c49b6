"""Executing neutral actions with an aiogram Bot."""

from __future__ import annotations

import functools
import json
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MessageId,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.actions import (
    Action,
    AnswerCallback,
    CopyMessage,
    DeleteMessage,
    EditText,
    InlineKeyboard,
    Keyboard,
    ReplyKeyboard,
    SendDocument,
    SendFile,
    SendText,
)
from bot.ports import DeliveryError, RateLimited, RecipientBlocked, TransientError
from handlers.api_calls import is_harmless, method_name

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# As a request field (LinkPreviewOptions itself holds the bot's defaults as placeholders until sent).
_NO_PREVIEW_JSON = json.dumps({"is_disabled": True})


class _SendReply(TelegramMethod[MessageId]):
    """sendMessage as the bot's replies use it, with the keyboard already serialised.

    aiogram's SendMessage dumps its fields and every button's empty options into dicts and filters them on
    every call; here the keyboard is serialised once (`markup_json`, from aiogram's own markup objects),
    and Telegram's reply is read for its message id alone, not validated into a whole Message that nobody
    reads (docs/performance.md)."""

    __returning__ = MessageId
    __api_method__ = "sendMessage"

    chat_id: int
    text: str
    parse_mode: str = "HTML"
    link_preview_options: str = _NO_PREVIEW_JSON
    reply_markup: str | None = None


# The same keyboards go out again and again (the main menu with most replies), and the framework's markup
# objects, validated button by button, are not changed once built: each is built once.
@functools.lru_cache(maxsize=1024)
def to_markup(keyboard: Keyboard | None) -> Markup | None:
    if keyboard is None:
        return None
    if isinstance(keyboard, InlineKeyboard):
        return _inline(keyboard)
    if isinstance(keyboard, ReplyKeyboard):
        return ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(text=label, request_contact=True if label == keyboard.contact else None)
                    for label in row
                ]
                for row in keyboard.rows
            ],
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=keyboard.placeholder,
        )
    return ReplyKeyboardRemove(remove_keyboard=True)


@functools.lru_cache(maxsize=1024)
def markup_json(keyboard: Keyboard | None) -> str | None:
    """The keyboard as Telegram reads it in a request (JSON, empty options left out)."""
    markup = to_markup(keyboard)
    return None if markup is None else markup.model_dump_json(exclude_none=True)


def _inline(keyboard: InlineKeyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in row]
            for row in keyboard.rows
        ]
    )


class AiogramMessenger:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def execute(self, action: Action) -> int | None:
        method = method_name(action)
        try:
            return await self._call(action)
        except TelegramRetryAfter as exc:
            raise RateLimited(method, exc.message, float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            raise RecipientBlocked(method, exc.message) from exc
        except TelegramBadRequest as exc:
            if is_harmless(method, exc.message):
                log.debug("%s: ignored %s", method, exc.message)
                return None
            raise DeliveryError(method, exc.message) from exc
        except (TelegramNetworkError, TelegramServerError) as exc:
            raise TransientError(method, exc.message) from exc
        except TelegramAPIError as exc:
            raise DeliveryError(method, exc.message) from exc

    async def _call(self, action: Action) -> int | None:
        if isinstance(action, SendText):
            reply = await self._bot(
                _SendReply(
                    chat_id=action.chat_id, text=action.text, reply_markup=markup_json(action.keyboard)
                )
            )
            return reply.message_id
        if isinstance(action, SendFile):
            if action.kind == "photo":
                send = self._bot.send_photo
            elif action.kind == "video":
                send = self._bot.send_video  # type: ignore[assignment]
            else:
                send = self._bot.send_document  # type: ignore[assignment]
            sent = await send(
                action.chat_id,
                action.file_id,
                caption=action.caption,
                parse_mode="HTML" if action.caption else None,
                reply_markup=to_markup(action.keyboard),
            )
            return sent.message_id
        if isinstance(action, SendDocument):
            document = await self._bot.send_document(
                action.chat_id,
                # A large export is read from its file as it is uploaded, not loaded whole.
                BufferedInputFile(action.content, filename=action.filename)
                if isinstance(action.content, bytes)
                else FSInputFile(action.content, filename=action.filename),
                caption=action.caption,
                parse_mode="HTML" if action.caption else None,
            )
            return document.message_id
        if isinstance(action, CopyMessage):
            copied = await self._bot.copy_message(
                chat_id=action.chat_id,
                from_chat_id=action.from_chat_id,
                message_id=action.message_id,
                reply_markup=_inline(action.keyboard) if action.keyboard is not None else None,
            )
            return copied.message_id
        if isinstance(action, EditText):
            await self._bot.edit_message_text(
                chat_id=action.chat_id,
                message_id=action.message_id,
                text=action.text,
                parse_mode="HTML",
                link_preview_options=_NO_PREVIEW,
                reply_markup=_inline(action.keyboard) if action.keyboard is not None else None,
            )
            return None
        if isinstance(action, AnswerCallback):
            await self._bot.answer_callback_query(callback_query_id=action.callback_id, text=action.text)
            return None
        if isinstance(action, DeleteMessage):
            await self._bot.delete_message(chat_id=action.chat_id, message_id=action.message_id)
            return None
        raise TypeError(f"unknown action {type(action).__name__}")
