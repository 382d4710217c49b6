"""Bot API Update -> neutral Event, once for both frameworks: their update objects have the Bot API's
field names (handlers/bot_api_shape.py), so the rules (commands, captions, media, what counts as OTHER)
are read from either the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.events import Event, EventKind
from handlers.bot_api_shape import CallbackQuery, ChatMemberUpdated, Message, PhotoSize, Update
from handlers.commands import addressed_elsewhere, parse_command

# The bot's own membership in a private chat: "kicked" is the user blocking the bot, "member" coming back.
_MEMBERSHIP = {"kicked": EventKind.BLOCKED, "member": EventKind.UNBLOCKED}


def to_event(update: Update, bot_username: str | None = None) -> Event | None:
    """The event for an update, or None for updates the bot does not answer (edits, channel posts,
    the bot's membership in groups, commands for other bots)."""
    if update.message is not None:
        return _from_message(update.update_id, update.message, bot_username)
    if update.callback_query is not None:
        return _from_callback(update.update_id, update.callback_query)
    if update.my_chat_member is not None:
        return _from_membership(update.update_id, update.my_chat_member)
    return None


def _from_message(update_id: int, message: Message, bot_username: str | None) -> Event | None:
    user = message.from_user
    if user is None:
        return None
    base = Event(
        update_id=update_id,
        kind=EventKind.OTHER,
        chat_id=message.chat.id,
        user_id=user.id,
        # PTB's chat type is a str enum member: the event carries the plain value.
        chat_type=str(message.chat.type),
        text=message.caption or "",
        message_id=message.message_id,
        language_code=user.language_code,
        first_name=user.first_name,
    )
    if message.text is not None:
        command = parse_command(message.text)
        if command is None:
            return replace(base, kind=EventKind.TEXT, text=message.text)
        if addressed_elsewhere(command, bot_username):
            return None
        return replace(base, kind=EventKind.COMMAND, command=command.name, text=command.args)
    with_media = _with_media(base, message)
    if with_media is not None:
        return with_media
    if message.contact is not None and message.contact.phone_number:
        return replace(base, kind=EventKind.CONTACT, phone=message.contact.phone_number)
    return base


def _with_media(base: Event, message: Message) -> Event | None:
    """`base` as the photo, document, voice, video or sticker the message carries; None for none."""
    if message.photo:
        return replace(base, kind=EventKind.PHOTO, file_id=_largest_photo(message.photo).file_id)
    # An animation (GIF) also carries a `document`; it is not a document anyone meant to submit.
    document = message.document
    if document is not None and message.animation is None:
        return replace(
            base,
            kind=EventKind.DOCUMENT,
            file_id=document.file_id,
            mime_type=document.mime_type,
            file_size=document.file_size,
        )
    if message.voice is not None:
        return replace(base, kind=EventKind.VOICE, file_id=message.voice.file_id)
    if message.video is not None:
        return replace(base, kind=EventKind.VIDEO, file_id=message.video.file_id)
    if message.sticker is not None:
        return replace(base, kind=EventKind.STICKER, file_id=message.sticker.file_id)
    return None


def _largest_photo(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """The biggest size (the last of equals); Telegram lists them smallest first, but the order is not
    promised."""
    best = sizes[0]
    for size in sizes[1:]:
        if size.width * size.height >= best.width * best.height:
            best = size
    return best


def _from_callback(update_id: int, query: CallbackQuery) -> Event:
    """A pressed inline button. A button on an inline-mode message has no message, hence no chat; the
    presser's private chat stands in for it. A message too old for the bot to see still has both."""
    user = query.from_user
    message = query.message
    return Event(
        update_id=update_id,
        kind=EventKind.CALLBACK,
        chat_id=message.chat.id if message is not None else user.id,
        user_id=user.id,
        chat_type=str(message.chat.type) if message is not None else "private",
        callback_id=query.id,
        callback_data=query.data,
        message_id=message.message_id if message is not None else None,
        language_code=user.language_code,
        first_name=user.first_name,
    )


def _from_membership(update_id: int, change: ChatMemberUpdated) -> Event | None:
    """The bot's own membership changing in a private chat; groups and other statuses are not ours to act
    on."""
    chat_type = str(change.chat.type)
    if chat_type != "private":
        return None
    # aiogram's status is a (str, Enum) member, whose str() is "ChatMemberStatus.KICKED", not "kicked".
    status = change.new_chat_member.status
    kind = _MEMBERSHIP.get(str(getattr(status, "value", status)))
    if kind is None:
        return None
    user = change.from_user
    return Event(
        update_id=update_id,
        kind=kind,
        chat_id=change.chat.id,
        user_id=user.id,
        chat_type=chat_type,
        language_code=user.language_code,
        first_name=user.first_name,
    )
