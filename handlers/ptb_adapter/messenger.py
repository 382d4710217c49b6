"""Executing neutral actions with a python-telegram-bot Bot."""

from __future__ import annotations

import functools
import logging
import warnings
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

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
    return ReplyKeyboardRemove()


def _inline(keyboard: InlineKeyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in row]
            for row in keyboard.rows
        ]
    )


def retry_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns when reading retry_after as an int; either form is fine for us.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PtbMessenger:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def execute(self, action: Action) -> int | None:
        method = method_name(action)
        try:
            return await self._call(action)
        except RetryAfter as exc:
            raise RateLimited(method, exc.message, retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise RecipientBlocked(method, exc.message) from exc
        except BadRequest as exc:
            if is_harmless(method, exc.message):
                log.debug("%s: ignored %s", method, exc.message)
                return None
            raise DeliveryError(method, exc.message) from exc
        except NetworkError as exc:
            raise TransientError(method, exc.message) from exc
        except TelegramError as exc:
            raise DeliveryError(method, exc.message) from exc

    async def _call(self, action: Action) -> int | None:
        if isinstance(action, SendText):
            message = await self._bot.send_message(
                chat_id=action.chat_id,
                text=action.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=to_markup(action.keyboard),
            )
            return message.message_id
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
                parse_mode=ParseMode.HTML if action.caption else None,
                reply_markup=to_markup(action.keyboard),
            )
            return sent.message_id
        if isinstance(action, SendDocument):
            document = await self._bot.send_document(
                action.chat_id,
                action.content,
                filename=action.filename,
                caption=action.caption,
                parse_mode=ParseMode.HTML if action.caption else None,
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
                parse_mode=ParseMode.HTML,
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
