"""The outbox as the services see it: enqueue (idempotent by dedupe key), batches and their progress.

The sending side (claim, record results, leases) is storage.repositories.delivery_queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox import BatchProgress, OutboxMessage, OutboxStatus, UnreachableAccount
from storage.models import (
    AccountRow,
    FamilyLinkRow,
    OutboxBatchRow,
    OutboxRow,
    RetireeRow,
    StaffMembershipRow,
    utcnow,
)
from storage.repositories._sql import insert_for
from storage.repositories.outbox_bulk import fanout_enqueue, unnest_enqueue
from storage.repositories.outbox_reminders import CampaignReminders
from storage.repositories.outbox_rows import FanoutRecipient, row_values

# Keeps each INSERT well under SQLite's and asyncpg's bound-parameter limits (~20 columns a row).
_CHUNK = 1000
# From this many messages on PostgreSQL, column arrays (storage.repositories.outbox_bulk) beat multi-row
# INSERTs of bound parameters.
BULK_THRESHOLD = 200


class SqlOutbox(CampaignReminders):
    """Implements bot.ports.Outbox. Never commits: the caller's unit of work does, with its cause."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: OutboxMessage) -> bool:
        return await self.enqueue_many([message]) == 1

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        now = utcnow()
        if len(messages) >= BULK_THRESHOLD and self._postgres:
            return await unnest_enqueue(self._session, messages, now)
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

    async def enqueue_fanout(self, template: OutboxMessage, recipients: Iterable[FanoutRecipient]) -> int:
        if self._postgres:
            return await fanout_enqueue(self._session, template, recipients, utcnow())
        added = 0
        chunk: list[OutboxMessage] = []
        for chat_id, account_id, key in recipients:
            chunk.append(replace(template, chat_id=chat_id, account_id=account_id, dedupe_key=key))
            if len(chunk) == _CHUNK:
                added += await self.enqueue_many(chunk)
                chunk = []
        return added + (await self.enqueue_many(chunk) if chunk else 0)

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    async def find_batch(self, kind: str, title: str) -> int | None:
        found = await self._session.scalar(
            select(OutboxBatchRow.id)
            .where(OutboxBatchRow.kind == kind, OutboxBatchRow.title == title)
            .order_by(OutboxBatchRow.id)
            .limit(1)
        )
        return None if found is None else int(found)

    async def create_batch(self, kind: str, title: str, created_by: int | None = None) -> int:
        row = OutboxBatchRow(kind=kind, title=title, created_by_account_id=created_by, created_at=utcnow())
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def batch_progress(self, batch_id: int) -> BatchProgress | None:
        batch = await self._session.get(OutboxBatchRow, batch_id)
        if batch is None:
            return None
        return (await self._progress([batch]))[0]

    async def cancel_batch(self, batch_id: int) -> int:
        # Held copies too: a death report withdrawn later must not release a message staff stopped.
        waiting = (OutboxStatus.QUEUED.value, OutboxStatus.HELD.value)
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.batch_id == batch_id, OutboxRow.status.in_(waiting))
            .values(status=OutboxStatus.CANCELLED.value, held_for_quiet=False)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def recent_batches(self, unit_ids: Sequence[int], limit: int) -> Sequence[BatchProgress]:
        if not unit_ids or limit <= 0:
            return []
        people = _people_of(unit_ids)
        # Newest batches first, each stopped at its first message to one of these people: a batch of a
        # million rows costs an index probe, not a scan.
        touches = (
            select(OutboxRow.id)
            .where(OutboxRow.batch_id == OutboxBatchRow.id, OutboxRow.account_id.in_(people))
            .exists()
        )
        batches = list(
            await self._session.scalars(
                select(OutboxBatchRow).where(touches).order_by(OutboxBatchRow.id.desc()).limit(limit)
            )
        )
        return await self._progress(batches, OutboxRow.account_id.in_(people))

    async def _progress(
        self, batches: Sequence[OutboxBatchRow], *only: ColumnElement[bool]
    ) -> list[BatchProgress]:
        if not batches:
            return []
        counts = await self._session.execute(
            select(OutboxRow.batch_id, OutboxRow.status, OutboxRow.held_for_quiet, func.count())
            .where(OutboxRow.batch_id.in_([b.id for b in batches]), *only)
            .group_by(OutboxRow.batch_id, OutboxRow.status, OutboxRow.held_for_quiet)
        )
        tallies: dict[int | None, dict[str, int]] = {b.id: {} for b in batches}
        for batch_id, status, held, count in counts:
            key = "waiting_quiet_hours" if status == OutboxStatus.QUEUED.value and held else status
            tally = tallies[batch_id]
            tally[key] = tally.get(key, 0) + int(count)
        return [
            BatchProgress(
                batch_id=batch.id,
                kind=batch.kind,
                title=batch.title,
                created_at=batch.created_at,
                queued=tallies[batch.id].get(OutboxStatus.QUEUED.value, 0),
                sending=tallies[batch.id].get(OutboxStatus.SENDING.value, 0),
                sent=tallies[batch.id].get(OutboxStatus.SENT.value, 0),
                failed=tallies[batch.id].get(OutboxStatus.FAILED.value, 0),
                unreachable=tallies[batch.id].get(OutboxStatus.UNREACHABLE.value, 0),
                waiting_quiet_hours=tallies[batch.id].get("waiting_quiet_hours", 0),
                cancelled=tallies[batch.id].get(OutboxStatus.CANCELLED.value, 0),
                held=tallies[batch.id].get(OutboxStatus.HELD.value, 0),
            )
            for batch in batches
        ]

    async def unreachable_accounts(
        self, unit_ids: Sequence[int], offset: int, limit: int
    ) -> tuple[Sequence[UnreachableAccount], int]:
        if not unit_ids:
            return [], 0
        own = (
            select(
                AccountRow.id.label("account_id"),
                RetireeRow.id.label("retiree_id"),
                literal(False).label("family"),
            )
            .join(RetireeRow, AccountRow.retiree_id == RetireeRow.id)
            .where(AccountRow.unreachable, RetireeRow.community_id.in_(unit_ids))
        )
        family = (
            select(
                AccountRow.id.label("account_id"),
                RetireeRow.id.label("retiree_id"),
                literal(True).label("family"),
            )
            .join(FamilyLinkRow, FamilyLinkRow.account_id == AccountRow.id)
            .join(RetireeRow, FamilyLinkRow.retiree_id == RetireeRow.id)
            .where(AccountRow.unreachable, RetireeRow.community_id.in_(unit_ids))
        )
        found = union_all(own, family).subquery()
        total = await self._session.scalar(select(func.count()).select_from(found))
        rows = await self._session.execute(
            select(
                found.c.account_id,
                found.c.retiree_id,
                found.c.family,
                RetireeRow.name,
                RetireeRow.id_masked,
                RetireeRow.phone,
            )
            .join(RetireeRow, RetireeRow.id == found.c.retiree_id)
            .order_by(RetireeRow.name, RetireeRow.id, found.c.family, found.c.account_id)
            .offset(offset)
            .limit(limit)
        )
        return [
            UnreachableAccount(
                account_id=row.account_id,
                retiree_id=row.retiree_id,
                retiree_name=row.name,
                id_masked=row.id_masked,
                phone=row.phone,
                family=bool(row.family),
            )
            for row in rows
        ], int(total or 0)

    async def hold_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return await self._move(retiree_id, account_ids, OutboxStatus.QUEUED, OutboxStatus.HELD)

    async def release_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return await self._move(retiree_id, account_ids, OutboxStatus.HELD, OutboxStatus.QUEUED)

    async def cancel_held(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return await self._move(retiree_id, account_ids, OutboxStatus.HELD, OutboxStatus.CANCELLED)

    async def _move(
        self, retiree_id: int, account_ids: Sequence[int], before: OutboxStatus, after: OutboxStatus
    ) -> int:
        whose = OutboxRow.about_retiree_id == retiree_id
        if account_ids:
            whose = or_(whose, OutboxRow.account_id.in_(list(account_ids)))
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == before.value, whose)
            .values(status=after.value)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _people_of(unit_ids: Sequence[int]) -> Any:
    """Ids of the accounts that belong to these units: their retirees, those retirees' families and the
    units' staff."""
    in_units = select(RetireeRow.id).where(RetireeRow.community_id.in_(unit_ids))
    return union_all(
        select(AccountRow.id).where(AccountRow.retiree_id.in_(in_units)),
        select(FamilyLinkRow.account_id).where(FamilyLinkRow.retiree_id.in_(in_units)),
        select(StaffMembershipRow.account_id).where(StaffMembershipRow.unit_id.in_(unit_ids)),
    )
