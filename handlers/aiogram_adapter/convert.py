"""aiogram Update -> neutral Event."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, Update, User

from bot.events import Event, EventKind
from handlers.event_builder import (
    Media,
    Sender,
    callback_event,
    largest_photo,
    membership_event,
    message_event,
)


def to_event(update: Update, bot_username: str | None = None) -> Event | None:
    """The event for an update, or None for updates the bot does not answer (edits, channel posts,
    the bot's membership in groups, commands for other bots)."""
    if update.message is not None:
        return _from_message(update.update_id, update.message, bot_username)
    if update.callback_query is not None:
        return _from_callback(update.update_id, update.callback_query)
    if update.my_chat_member is not None:
        change = update.my_chat_member
        return membership_event(
            update_id=update.update_id,
            chat_id=change.chat.id,
            chat_type=str(change.chat.type),
            sender=_sender(change.from_user),
            status=str(getattr(change.new_chat_member.status, "value", change.new_chat_member.status)),
        )
    return None


def _sender(user: User) -> Sender:
    return Sender(user_id=user.id, first_name=user.first_name, language_code=user.language_code)


def _from_message(update_id: int, message: Message, bot_username: str | None) -> Event | None:
    if message.from_user is None:
        return None
    return message_event(
        update_id=update_id,
        chat_id=message.chat.id,
        chat_type=message.chat.type,
        message_id=message.message_id,
        sender=_sender(message.from_user),
        text=message.text,
        caption=message.caption,
        media=_media(message),
        bot_username=bot_username,
        contact_phone=message.contact.phone_number if message.contact is not None else None,
    )


def _media(message: Message) -> Media | None:
    if message.photo:
        return Media(EventKind.PHOTO, largest_photo([(p.width, p.height, p.file_id) for p in message.photo]))
    # An animation (GIF) also carries a `document`; it is not a document anyone meant to submit.
    if message.document is not None and message.animation is None:
        document = message.document
        return Media(EventKind.DOCUMENT, document.file_id, document.mime_type, document.file_size)
    if message.voice is not None:
        return Media(EventKind.VOICE, message.voice.file_id)
    if message.video is not None:
        return Media(EventKind.VIDEO, message.video.file_id)
    if message.sticker is not None:
        return Media(EventKind.STICKER, message.sticker.file_id)
    return None


def _from_callback(update_id: int, query: CallbackQuery) -> Event:
    message = query.message
    return callback_event(
        update_id=update_id,
        callback_id=query.id,
        data=query.data,
        sender=_sender(query.from_user),
        chat_id=message.chat.id if message is not None else None,
        chat_type=message.chat.type if message is not None else None,
        message_id=message.message_id if message is not None else None,
    )
