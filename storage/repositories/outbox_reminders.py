"""The campaign's reminders queued set-based: one INSERT ... SELECT over a range of the roster queues the
reminder for every pending retiree's reachable account, rendered later in each recipient's language; ON
CONFLICT on the dedupe key makes a repeated tick harmless."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    KEY_DIGITS,
    ReminderBatch,
)
from bot.domain.outbox import DEFAULT_PRIORITY, MessageCategory, OutboxStatus
from bot.domain.people import AccountRole
from storage.models import (
    AccountRow,
    OutboxRow,
    RetireeRow,
    utcnow,
)
from storage.repositories._sql import insert_for
from storage.repositories.certification.common import OPEN, in_campaign, joined, reachable, status_in
from storage.repositories.outbox_rows import keyboard_to_json


class CampaignReminders:
    """Part of SqlOutbox."""

    _session: AsyncSession

    async def enqueue_reminders(self, batch: ReminderBatch, first_id: int, last_id: int) -> int:
        now = utcnow()
        locales = sorted({locale for locale, _ in batch.contexts})
        # One pass over the range: the language and the procedure pick the text with CASE, rather than
        # one statement per language and procedure scanning the same rows again.
        locale = case(
            *((AccountRow.locale == code, literal(code, String)) for code in locales),
            else_=literal(batch.default_locale, String),
        )
        context = case(
            *(
                (and_(locale == code, RetireeRow.lives_elsewhere == elsewhere), literal(dict(body), JSON))
                for (code, elsewhere), body in sorted(batch.contexts.items())
            ),
            else_=literal(None, JSON),
        )
        keyboard = case(
            *(
                (locale == code, literal(keyboard_to_json(batch.keyboards.get(code)), JSON))
                for code in locales
            ),
            else_=literal(None, JSON),
        )
        key = (
            literal(batch.dedupe_prefix, String)
            + self._padded(RetireeRow.id)
            + literal(":", String)
            + self._padded(AccountRow.id)
        )
        source = (
            select(
                key,
                AccountRow.id,
                AccountRow.chat_id,
                literal(MessageCategory.REMINDER.value, String),
                literal(DEFAULT_PRIORITY[MessageCategory.REMINDER]),
                literal(OutboxStatus.QUEUED.value, String),
                literal(batch.template, String),
                context,
                keyboard,
                locale,
                literal(batch.time_zone, String),
                false(),
                literal(0),
                literal(batch.batch_id),
                literal(now, OutboxRow.created_at.type),
            )
            .select_from(
                joined(batch.cycle).join(AccountRow.__table__, AccountRow.retiree_id == RetireeRow.id)
            )
            .where(
                RetireeRow.id.between(first_id, last_id),
                in_campaign(),
                reachable(AccountRole.RETIREE),
                status_in(OPEN),
            )
        )
        statement = (
            insert_for(self._session, OutboxRow)
            .from_select(
                [
                    "dedupe_key",
                    "account_id",
                    "chat_id",
                    "category",
                    "priority",
                    "status",
                    "template",
                    "context",
                    "keyboard",
                    "locale",
                    "time_zone",
                    "held_for_quiet",
                    "attempts",
                    "batch_id",
                    "created_at",
                ],
                source,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await self._session.execute(statement)
        return max(int(getattr(result, "rowcount", 0) or 0), 0)

    def _padded(self, column: Any) -> Any:
        """The id as text, zero-padded like ReminderBatch.dedupe_key."""
        if self._session.get_bind().dialect.name == "sqlite":
            return func.printf(f"%0{KEY_DIGITS}d", column)
        return func.lpad(cast(column, String), KEY_DIGITS, "0")
