"""The sending side of the outbox: claim due rows under a lease, record what happened to them.

Claims use `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers each take different
rows without waiting on one another. SQLite has no row locks (SQLAlchemy drops the clause); there every
transaction takes the write lock up front (BEGIN IMMEDIATE, see storage.database), so claims still never
overlap, but only one worker is expected.

A claimed row carries `claimed_by` and `claimed_until` (its lease). A worker that dies leaves rows in
`sending`; once their lease has run out `requeue_expired` puts them back, and they are sent again. Every
result is written only `WHERE claimed_by = <this worker> AND status = 'sending'`, so a worker that lost its
lease cannot overwrite what the next one did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.outbox import (
    Attachment,
    AttachmentKind,
    DeliveryReport,
    MessageCategory,
    OutboxItem,
    OutboxStatus,
)
from storage.models import AccountRow, OutboxRow
from storage.repositories._sql import table_of
from storage.repositories.outbox_rows import keyboard_from_json

_T = table_of(OutboxRow)
_ACCOUNTS = table_of(AccountRow)
_REASON_LEN = 500
BLOCKED_REASON = "recipient blocked the bot"

_CLAIMED_COLUMNS = (
    OutboxRow.id,
    OutboxRow.chat_id,
    OutboxRow.account_id,
    OutboxRow.category,
    OutboxRow.priority,
    OutboxRow.text,
    OutboxRow.keyboard,
    OutboxRow.template,
    OutboxRow.context,
    OutboxRow.locale,
    OutboxRow.attachment_kind,
    OutboxRow.attachment_file_id,
    OutboxRow.time_zone,
    OutboxRow.attempts,
    OutboxRow.batch_id,
    OutboxRow.dedupe_key,
)


def _item(row: Any) -> OutboxItem:
    attachment = (
        Attachment(AttachmentKind(row.attachment_kind), row.attachment_file_id)
        if row.attachment_kind and row.attachment_file_id
        else None
    )
    return OutboxItem(
        id=row.id,
        chat_id=row.chat_id,
        account_id=row.account_id,
        category=MessageCategory(row.category),
        priority=row.priority,
        text=row.text,
        keyboard=keyboard_from_json(row.keyboard),
        template=row.template,
        context=row.context or {},
        locale=row.locale,
        attachment=attachment,
        time_zone=row.time_zone,
        attempts=row.attempts,
        batch_id=row.batch_id,
        dedupe_key=row.dedupe_key,
    )


def _with_account_locales(items: list[OutboxItem], locales: dict[int, str]) -> list[OutboxItem]:
    """A template row queued without a locale renders in its recipient's language, as it is now (the
    account may have switched language since), not in the service's default."""
    return [
        replace(item, locale=locales[item.account_id])
        if item.locale is None and item.account_id in locales and locales[item.account_id]
        else item
        for item in items
    ]


def _clip(reason: str) -> str:
    return reason if len(reason) <= _REASON_LEN else reason[: _REASON_LEN - 1] + "…"


@dataclass(frozen=True, slots=True)
class Backlog:
    priority: int
    due: int
    later: int
    sending: int


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(_T.c.not_before.is_(None), _T.c.not_before <= now)


async def _in_chat_order(
    session: AsyncSession, worker: str, now: datetime, candidates: Sequence[Any]
) -> list[int]:
    """The candidates' ids less those that must wait for an earlier message of their chat, so that one
    chat's messages go in order whichever worker sends them: a chat with a message in flight at another
    worker is skipped, and so is a message behind one of its chat's messages that this claim did not get:
    a due one (another claim under way holds it: SKIP LOCKED passed over it) or one waiting out its retry's
    backoff. Such messages wait for a later claim, which costs little against Telegram's one message a
    second per chat. (A message scheduled for later and never tried holds nothing back.)"""
    if not candidates:
        return []
    ids = {row.id for row in candidates}
    queued, sending = OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value
    others = await session.execute(
        select(_T.c.chat_id, _T.c.priority, _T.c.id, _T.c.status).where(
            _T.c.chat_id.in_({row.chat_id for row in candidates}),
            _T.c.id.not_in(ids),
            or_(
                and_(_T.c.status == sending, _T.c.claimed_by != worker),
                and_(_T.c.status == queued, or_(_due(now), _T.c.attempts > 0)),
            ),
        )
    )
    first: dict[int, tuple[int, int]] = {}  # chat -> (priority, id) of the first message another sends
    for row in others:
        # A message in flight elsewhere goes first whatever its place: before everything of its chat.
        key = _FIRST_OF_ALL if row.status == sending else (row.priority, row.id)
        first[row.chat_id] = min(first.get(row.chat_id, key), key)
    return [
        row.id
        for row in candidates
        if row.chat_id not in first or (row.priority, row.id) < first[row.chat_id]
    ]


_FIRST_OF_ALL = (-(2**62), 0)


class SqlDeliveryQueue:
    """Implements scheduler.delivery.queue.DeliveryQueue. Each method is one short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def requeue_expired(self, now: datetime) -> int:
        """Put rows whose worker's lease ran out back in the queue (the worker died or hung)."""
        return await self._requeue_sending(_T.c.claimed_until < now)

    async def requeue_unheld(self, worker: str, held: list[int]) -> int:
        """Put back in the queue the rows `worker` claimed but does not hold: a claim the server committed
        whose answer the connection lost. Nobody sends them until they are back (else after the lease)."""
        return await self._requeue_sending(_T.c.claimed_by == worker, _T.c.id.not_in(held))

    async def _requeue_sending(self, *which: ColumnElement[bool]) -> int:
        """Rows being sent that match `which`, queued again with no claim; how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(_T)
                .where(_T.c.status == OutboxStatus.SENDING.value, *which)
                .values(status=OutboxStatus.QUEUED.value, claimed_by=None, claimed_until=None)
            )
            return int(getattr(result, "rowcount", 0))

    async def claim(self, worker: str, now: datetime, limit: int, lease_until: datetime) -> list[OutboxItem]:
        """Up to `limit` due rows, most urgent (lowest priority number) and oldest first, now `sending`
        under this worker's lease. Rows for recipients already known to have blocked the bot are marked
        unreachable instead of being handed out."""
        if limit <= 0:
            return []
        due = (
            select(_T.c.id, _T.c.chat_id, _T.c.priority)
            .where(_T.c.status == OutboxStatus.QUEUED.value, _due(now))
            .order_by(_T.c.status, _T.c.priority, _T.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions() as session, session.begin():
            candidates = (await session.execute(due)).all()
            ids = await _in_chat_order(session, worker, now, candidates)
            if not ids:
                return []
            claimed = await session.execute(
                update(_T)
                .where(_T.c.id.in_(ids))
                .values(status=OutboxStatus.SENDING.value, claimed_by=worker, claimed_until=lease_until)
                .returning(*(_T.c[column.key] for column in _CLAIMED_COLUMNS))
            )
            items = [_item(row) for row in claimed]
            account_ids = {item.account_id for item in items if item.account_id is not None}
            if account_ids:
                accounts = (
                    await session.execute(
                        select(AccountRow.id, AccountRow.unreachable, AccountRow.locale).where(
                            AccountRow.id.in_(account_ids)
                        )
                    )
                ).all()
                blocked = {row.id for row in accounts if row.unreachable}
                items = _with_account_locales(items, {row.id: row.locale for row in accounts})
                if blocked:
                    dropped = [item.id for item in items if item.account_id in blocked]
                    await session.execute(
                        update(_T)
                        .where(_T.c.id.in_(dropped))
                        .values(
                            status=OutboxStatus.UNREACHABLE.value,
                            last_error=BLOCKED_REASON,
                            claimed_by=None,
                            claimed_until=None,
                        )
                    )
                    items = [item for item in items if item.account_id not in blocked]
        items.sort(key=lambda item: (item.priority, item.id))
        return items

    async def extend(self, worker: str, ids: list[int], lease_until: datetime) -> int:
        """A slow worker keeps what it holds: without this, rows it is about to send would be requeued
        by its own `requeue_expired` and sent twice."""
        if not ids:
            return 0
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(_T)
                .where(_T.c.id.in_(ids), _T.c.status == OutboxStatus.SENDING.value, _T.c.claimed_by == worker)
                .values(claimed_until=lease_until)
            )
            return int(getattr(result, "rowcount", 0))

    async def record(self, worker: str, report: DeliveryReport, now: datetime) -> None:
        """Write every outcome in one transaction (so a crash loses all of them or none)."""
        if not len(report):
            return
        async with self._sessions() as session, session.begin():
            sent, failed = OutboxStatus.SENT.value, OutboxStatus.FAILED.value
            queued = OutboxStatus.QUEUED.value
            tried = _T.c.attempts + 1
            reason: BindParameter[str] = bindparam("b_reason")
            not_before: BindParameter[datetime] = bindparam("b_not_before")
            await _settle(
                session,
                worker,
                {
                    "status": sent,
                    "message_id": bindparam("b_message_id"),
                    "sent_at": now,
                    "held_for_quiet": False,
                },
                [{"b_id": i, "b_message_id": m} for i, m in report.sent],
            )
            await _settle(
                session,
                worker,
                {"status": failed, "last_error": reason, "attempts": tried},
                [{"b_id": i, "b_reason": _clip(r)} for i, r in report.failed],
            )
            await _settle(
                session,
                worker,
                {
                    "status": queued,
                    "not_before": not_before,
                    "last_error": reason,
                    "attempts": tried,
                    "held_for_quiet": False,
                },
                [{"b_id": i, "b_not_before": t, "b_reason": _clip(r)} for i, t, r in report.retry],
            )
            await _settle(
                session,
                worker,
                {"status": queued, "not_before": not_before, "held_for_quiet": True},
                [{"b_id": i, "b_not_before": t} for i, t in report.quiet],
            )
            await _settle(session, worker, {"status": queued}, [{"b_id": i} for i in report.released])
            if report.unreachable:
                await self._unreachable(session, worker, report.unreachable)

    async def _unreachable(self, session: AsyncSession, worker: str, rows: Sequence[tuple[int, str]]) -> None:
        """The recipient blocked the bot: mark the account, and stop every message still waiting for them
        (also ones other workers hold; their own results are then ignored, as the row is no longer
        `sending`)."""
        reasons = dict(rows)
        targets = (
            await session.execute(select(_T.c.id, _T.c.account_id, _T.c.chat_id).where(_T.c.id.in_(reasons)))
        ).all()
        accounts = {t.account_id for t in targets if t.account_id is not None}
        group_chats = {t.chat_id for t in targets if t.account_id is None}
        if accounts:
            await session.execute(
                update(_ACCOUNTS).where(AccountRow.id.in_(accounts)).values(unreachable=True)
            )
        waiting = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)
        others: list[ColumnElement[bool]] = [_T.c.account_id.in_(accounts)] if accounts else []
        if group_chats:
            others.append(and_(_T.c.chat_id.in_(group_chats), _T.c.account_id.is_(None)))
        await session.execute(
            update(_T)
            .where(_T.c.status.in_(waiting), or_(_T.c.id.in_(reasons), *others))
            .values(
                status=OutboxStatus.UNREACHABLE.value,
                last_error=_clip(next(iter(reasons.values()))),
                claimed_by=None,
                claimed_until=None,
            )
        )

    async def pending(self) -> int:
        """Rows not yet settled (queued or being sent), due or not."""
        async with self._sessions() as session:
            waiting = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)
            count = await session.scalar(select(func.count()).select_from(_T).where(_T.c.status.in_(waiting)))
            return int(count or 0)

    async def backlog(self, now: datetime) -> list[Backlog]:
        """What waits, by priority (most urgent first): due now, due later (backoff, quiet hours), sending."""
        queued, sending = OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value
        due = case((_due(now), 1), else_=0)
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    _T.c.priority,
                    func.sum(case((_T.c.status == queued, due), else_=0)),
                    func.sum(case((_T.c.status == queued, 1 - due), else_=0)),
                    func.sum(case((_T.c.status == sending, 1), else_=0)),
                )
                .where(_T.c.status.in_((queued, sending)))
                .group_by(_T.c.priority)
                .order_by(_T.c.priority)
            )
            return [Backlog(p, int(d or 0), int(later or 0), int(s or 0)) for p, d, later, s in rows]

    async def due_by(self, when: datetime) -> int:
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(_T)
                .where(
                    or_(
                        _T.c.status == OutboxStatus.SENDING.value,
                        (_T.c.status == OutboxStatus.QUEUED.value)
                        & or_(_T.c.not_before.is_(None), _T.c.not_before <= when),
                    )
                )
            )
            return int(count or 0)


async def _settle(
    session: AsyncSession, worker: str, values: dict[str, Any], params: list[dict[str, Any]]
) -> None:
    """One statement for many rows (`b_id` in each of `params`) that `worker` holds: set `values` and
    release them from its lease. Rows it no longer holds (requeued, or marked unreachable meanwhile) are
    left as they are."""
    if not params:
        return
    statement = (
        update(_T)
        .where(
            _T.c.id == bindparam("b_id"),
            _T.c.status == OutboxStatus.SENDING.value,
            _T.c.claimed_by == worker,
        )
        .values(**values, claimed_by=None, claimed_until=None)
    )
    await session.execute(statement, params)
