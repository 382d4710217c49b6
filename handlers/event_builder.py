"""Assembling an Event from the fields both adapters pull out of their framework's update objects, so
the rules (commands, captions, what counts as OTHER) live in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.events import Event, EventKind
from handlers.commands import addressed_elsewhere, parse_command


@dataclass(frozen=True, slots=True)
class Sender:
    user_id: int
    first_name: str
    language_code: str | None


@dataclass(frozen=True, slots=True)
class Media:
    kind: EventKind
    file_id: str
    mime_type: str | None = None
    file_size: int | None = None


def largest_photo(sizes: list[tuple[int, int, str]]) -> str:
    """The file_id of the biggest (width, height, file_id) size; Telegram lists them smallest first, but
    the order is not promised."""
    best = max(enumerate(sizes), key=lambda item: (item[1][0] * item[1][1], item[0]))
    return best[1][2]


def message_event(
    *,
    update_id: int,
    chat_id: int,
    chat_type: str,
    message_id: int,
    sender: Sender,
    text: str | None,
    caption: str | None,
    media: Media | None,
    bot_username: str | None = None,
    contact_phone: str | None = None,
) -> Event | None:
    """The event for a user's message; None for a command addressed to another bot."""
    base = Event(
        update_id=update_id,
        kind=EventKind.OTHER,
        chat_id=chat_id,
        user_id=sender.user_id,
        chat_type=chat_type,
        text=caption or "",
        message_id=message_id,
        language_code=sender.language_code,
        first_name=sender.first_name,
    )
    if text is not None:
        command = parse_command(text)
        if command is None:
            return replace(base, kind=EventKind.TEXT, text=text)
        if addressed_elsewhere(command, bot_username):
            return None
        return replace(base, kind=EventKind.COMMAND, command=command.name, text=command.args)
    if media is not None:
        return replace(
            base, kind=media.kind, file_id=media.file_id, mime_type=media.mime_type, file_size=media.file_size
        )
    if contact_phone:
        return replace(base, kind=EventKind.CONTACT, phone=contact_phone)
    return base


def callback_event(
    *,
    update_id: int,
    callback_id: str,
    data: str | None,
    sender: Sender,
    chat_id: int | None,
    chat_type: str | None,
    message_id: int | None,
) -> Event:
    """The event for a pressed inline button. A button on an inline-mode message has no chat; the
    presser's private chat stands in for it."""
    return Event(
        update_id=update_id,
        kind=EventKind.CALLBACK,
        chat_id=chat_id if chat_id is not None else sender.user_id,
        user_id=sender.user_id,
        chat_type=chat_type or "private",
        callback_id=callback_id,
        callback_data=data,
        message_id=message_id,
        language_code=sender.language_code,
        first_name=sender.first_name,
    )


def membership_event(
    *, update_id: int, chat_id: int, chat_type: str, sender: Sender, status: str
) -> Event | None:
    """The event for the bot's own membership changing in a private chat: "kicked" is the user blocking
    the bot, "member" coming back. Groups and other statuses are not ours to act on."""
    if chat_type != "private":
        return None
    kind = {"kicked": EventKind.BLOCKED, "member": EventKind.UNBLOCKED}.get(status)
    if kind is None:
        return None
    return Event(
        update_id=update_id,
        kind=kind,
        chat_id=chat_id,
        user_id=sender.user_id,
        chat_type=chat_type,
        language_code=sender.language_code,
        first_name=sender.first_name,
    )
