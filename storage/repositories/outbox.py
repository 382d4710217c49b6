"""The outbox as the services see it: enqueue (idempotent by dedupe key), batches and their progress.

The sending side (claim, record results, leases) is storage.repositories.delivery_queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actions import Button, InlineKeyboard, Keyboard, RemoveKeyboard, ReplyKeyboard
from bot.domain.records import BatchProgress, OutboxMessage, OutboxStatus
from storage.models import utcnow
from storage.models_outbox import OutboxBatchRow, OutboxRow
from storage.repositories._sql import insert_for

# Keeps each INSERT well under SQLite's and asyncpg's bound-parameter limits (~20 columns a row).
_CHUNK = 1000
# From this many messages on PostgreSQL, COPY (storage.repositories.outbox_copy) beats multi-row INSERTs.
COPY_THRESHOLD = 2000


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
    """The outbox columns for a message (shared with the bulk loader of the benchmark)."""
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
        "created_at": now,
    }


class SqlOutbox:
    """Implements bot.ports.Outbox. Never commits: the caller's unit of work does, with its cause."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: OutboxMessage) -> bool:
        return await self.enqueue_many([message]) == 1

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        now = utcnow()
        if len(messages) >= COPY_THRESHOLD and self._session.get_bind().dialect.name == "postgresql":
            from storage.repositories.outbox_copy import copy_enqueue

            return await copy_enqueue(self._session, messages, now)
        added = 0
        for start in range(0, len(messages), _CHUNK):
            rows = [row_values(m, now) for m in messages[start : start + _CHUNK]]
            # ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed INSERT would abort the
            # caller's whole PostgreSQL transaction, taking the state change that caused the message with it.
            result = await self._session.execute(
                insert_for(self._session, OutboxRow)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(OutboxRow.id)
            )
            added += len(result.all())
        return added

    async def create_batch(self, kind: str, title: str, created_by: int | None = None) -> int:
        row = OutboxBatchRow(kind=kind, title=title, created_by_account_id=created_by, created_at=utcnow())
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def batch_progress(self, batch_id: int) -> BatchProgress | None:
        batch = await self._session.get(OutboxBatchRow, batch_id)
        if batch is None:
            return None
        counts = await self._session.execute(
            select(OutboxRow.status, OutboxRow.held_for_quiet, func.count())
            .where(OutboxRow.batch_id == batch_id)
            .group_by(OutboxRow.status, OutboxRow.held_for_quiet)
        )
        tally: dict[str, int] = {}
        for status, held, count in counts:
            key = "waiting_quiet_hours" if status == OutboxStatus.QUEUED.value and held else status
            tally[key] = tally.get(key, 0) + int(count)
        return BatchProgress(
            batch_id=batch.id,
            kind=batch.kind,
            title=batch.title,
            created_at=batch.created_at,
            queued=tally.get(OutboxStatus.QUEUED.value, 0),
            sending=tally.get(OutboxStatus.SENDING.value, 0),
            sent=tally.get(OutboxStatus.SENT.value, 0),
            failed=tally.get(OutboxStatus.FAILED.value, 0),
            unreachable=tally.get(OutboxStatus.UNREACHABLE.value, 0),
            waiting_quiet_hours=tally.get("waiting_quiet_hours", 0),
        )
