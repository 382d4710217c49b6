"""An outbox message as the columns of its row, and back: shared by the repository, its bulk loader and the
delivery queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.actions import Button, InlineKeyboard, Keyboard, RemoveKeyboard, ReplyKeyboard
from bot.domain.outbox import OutboxMessage, OutboxStatus

FanoutRecipient = tuple[int, int | None, str]  # (chat_id, account_id, dedupe_key)


def keyboard_to_json(keyboard: Keyboard | None) -> dict[str, Any] | None:
    if keyboard is None:
        return None
    if isinstance(keyboard, InlineKeyboard):
        return {"inline": [[[b.text, b.callback_data] for b in row] for row in keyboard.rows]}
    if isinstance(keyboard, ReplyKeyboard):
        return {"reply": [list(row) for row in keyboard.rows], "placeholder": keyboard.placeholder}
    return {"remove": True}


def keyboard_from_json(data: dict[str, Any] | None) -> Keyboard | None:
    if data is None:
        return None
    if "inline" in data:
        return InlineKeyboard(tuple(tuple(Button(text, cb) for text, cb in row) for row in data["inline"]))
    if "reply" in data:
        return ReplyKeyboard(tuple(tuple(row) for row in data["reply"]), data.get("placeholder"))
    return RemoveKeyboard()


def row_values(message: OutboxMessage, now: datetime) -> dict[str, Any]:
    """The outbox columns for a message ."""
    return {
        "dedupe_key": message.dedupe_key,
        "account_id": message.account_id,
        "chat_id": message.chat_id,
        "category": message.category.value,
        "priority": message.effective_priority,
        "status": OutboxStatus.QUEUED.value,
        "text": message.text,
        "keyboard": keyboard_to_json(message.keyboard),
        "template": message.template,
        "context": message.context if message.template is not None else None,
        "locale": message.locale,
        "attachment_kind": message.attachment.kind.value if message.attachment else None,
        "attachment_file_id": message.attachment.file_id if message.attachment else None,
        "time_zone": message.time_zone,
        "not_before": message.not_before,
        "held_for_quiet": False,
        "attempts": 0,
        "batch_id": message.batch_id,
        "about_retiree_id": message.about_retiree_id,
        "created_at": now,
    }
