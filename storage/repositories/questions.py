"""Questions handed to staff, the log of questions the bot could not answer, and who should answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import Account, StaffRole
from bot.domain.questions import Question, QuestionStatus, UnansweredQuestion
from storage.models import AccountRow, QuestionRow, StaffMembershipRow, UnansweredQuestionRow
from storage.repositories.accounts import account_record


def _question(row: QuestionRow) -> Question:
    return Question(
        id=row.id,
        asker_account_id=row.asker_account_id,
        retiree_id=row.retiree_id,
        unit_id=row.unit_id,
        text=row.text,
        language=row.language,
        status=QuestionStatus(row.status),
        created_at=row.created_at,
        answered_at=row.answered_at,
        answered_by_account_id=row.answered_by_account_id,
        answer=row.answer,
        escalated_at=row.escalated_at,
    )


class SqlQuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        asker_account_id: int,
        retiree_id: int | None,
        unit_id: int | None,
        text: str,
        language: str,
        at: datetime,
    ) -> Question:
        row = QuestionRow(
            asker_account_id=asker_account_id,
            retiree_id=retiree_id,
            unit_id=unit_id,
            text=text,
            language=language,
            status=QuestionStatus.OPEN.value,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return _question(row)

    async def get(self, question_id: int) -> Question | None:
        row = await self._session.get(QuestionRow, question_id)
        return None if row is None else _question(row)

    async def answer(self, question_id: int, staff_account_id: int, answer: str, at: datetime) -> bool:
        """Record the answer; False when the question is unknown or was answered already."""
        row = await self._session.get(QuestionRow, question_id, with_for_update=True)
        if row is None or row.status != QuestionStatus.OPEN.value:
            return False
        row.status = QuestionStatus.ANSWERED.value
        row.answered_at = at
        row.answered_by_account_id = staff_account_id
        row.answer = answer
        await self._session.flush()
        return True

    async def overdue(self, before: datetime) -> Sequence[Question]:
        rows = await self._session.scalars(
            select(QuestionRow)
            .where(
                QuestionRow.status == QuestionStatus.OPEN.value,
                QuestionRow.created_at < before,
                QuestionRow.escalated_at.is_(None),
            )
            .order_by(QuestionRow.id)
        )
        return [_question(row) for row in rows]

    async def mark_escalated(self, question_id: int, at: datetime) -> None:
        row = await self._session.get(QuestionRow, question_id)
        if row is not None:
            row.escalated_at = at
            await self._session.flush()

    async def staff_of(
        self, unit_id: int, roles: Sequence[StaffRole] = tuple(StaffRole)
    ) -> Sequence[Account]:
        rows = await self._session.scalars(
            select(AccountRow)
            .join(StaffMembershipRow, StaffMembershipRow.account_id == AccountRow.id)
            .where(
                StaffMembershipRow.unit_id == unit_id, StaffMembershipRow.role.in_([r.value for r in roles])
            )
            .order_by(AccountRow.id)
        )
        return [account_record(row) for row in rows]

    async def log_unanswered(
        self, text: str, language: str, reason: str, confidence: float, at: datetime
    ) -> None:
        self._session.add(
            UnansweredQuestionRow(text=text, language=language, reason=reason, confidence=confidence, at=at)
        )
        await self._session.flush()

    async def unanswered(self, offset: int, limit: int) -> Sequence[UnansweredQuestion]:
        rows = await self._session.scalars(
            select(UnansweredQuestionRow)
            .order_by(UnansweredQuestionRow.at.desc(), UnansweredQuestionRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [UnansweredQuestion(r.id, r.text, r.language, r.reason, r.confidence, r.at) for r in rows]

    async def count_unanswered(self) -> int:
        return int(await self._session.scalar(select(func.count(UnansweredQuestionRow.id))) or 0)
