"""Photos and videos sent to certify, waiting for staff review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    RejectReason,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from storage.models import (
    CertificationSubmissionRow,
    RetireeRow,
)
from storage.repositories.certification.common import WAITING, submission_of


class Submissions:
    _session: AsyncSession

    # --- submissions ----------------------------------------------------------------------------------

    async def add_submission(
        self, retiree_id: int, cycle: str, account_id: int, kind: SubmissionKind, file_id: str, at: datetime
    ) -> Submission:
        row = CertificationSubmissionRow(
            retiree_id=retiree_id,
            cycle=cycle,
            account_id=account_id,
            kind=kind.value,
            file_id=file_id,
            status=SubmissionStatus.WAITING.value,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return submission_of(row)

    async def get_submission(self, submission_id: int) -> Submission | None:
        row = await self._session.get(CertificationSubmissionRow, submission_id, populate_existing=True)
        return None if row is None else submission_of(row)

    async def has_waiting_submission(self, retiree_id: int) -> bool:
        return (await self._session.execute(WAITING, {"retiree_id": retiree_id})).first() is not None

    async def waiting_submissions(self, unit_ids: Sequence[int], limit: int) -> Sequence[Submission]:
        rows = await self._session.scalars(
            select(CertificationSubmissionRow)
            .join(RetireeRow, RetireeRow.id == CertificationSubmissionRow.retiree_id)
            .where(
                CertificationSubmissionRow.status == SubmissionStatus.WAITING.value,
                RetireeRow.community_id.in_(list(unit_ids)),
            )
            .order_by(CertificationSubmissionRow.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [submission_of(row) for row in rows]

    async def review_submission(
        self,
        submission_id: int,
        approved: bool,
        reason: RejectReason | None,
        by_account_id: int,
        at: datetime,
    ) -> bool:
        result = await self._session.execute(
            update(CertificationSubmissionRow)
            .where(
                CertificationSubmissionRow.id == submission_id,
                CertificationSubmissionRow.status == SubmissionStatus.WAITING.value,
            )
            .values(
                status=(SubmissionStatus.APPROVED if approved else SubmissionStatus.REJECTED).value,
                reason=reason.value if reason else None,
                reviewed_by_account_id=by_account_id,
                reviewed_at=at,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1
