"""Death reports and death-benefit claims, with their documents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.claims import (
    OPEN_FOR_STAFF,
    Claim,
    ClaimDocument,
    ClaimListItem,
    ClaimStatus,
    DocumentState,
    FileType,
    NewReport,
    ReportStatus,
)
from storage.models import ClaimDocumentRow, ClaimRow, RetireeRow
from storage.repositories._sql import insert_for

_FEN = Decimal(100)


def to_fen_int(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * _FEN)


def from_fen_int(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / _FEN).quantize(Decimal("0.01"))


def _claim(row: ClaimRow) -> Claim:
    return Claim(
        id=row.id,
        retiree_id=row.retiree_id,
        reference=row.reference,
        report_status=ReportStatus(row.report_status),
        status=ClaimStatus(row.status),
        died_on=row.died_on,
        reported_by_account_id=row.reported_by_account_id,
        reported_at=row.reported_at,
        applicant_relation=row.applicant_relation,
        applicant_phone=row.applicant_phone,
        applicant_is_recipient=row.applicant_is_recipient,
        confirmed_by_account_id=row.confirmed_by_account_id,
        confirmed_at=row.confirmed_at,
        contributed_months=row.contributed_months,
        paid_through=row.paid_through,
        monthly_pension=from_fen_int(row.monthly_pension_fen),
        overpayment_settled=row.overpayment_settled,
        amount=from_fen_int(row.amount_fen),
        note=row.note,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        escalated_at=row.escalated_at,
    )


def _document(row: ClaimDocumentRow) -> ClaimDocument:
    return ClaimDocument(
        claim_id=row.claim_id,
        kind=row.kind,
        state=DocumentState(row.state),
        file_id=row.file_id,
        file_type=FileType(row.file_type) if row.file_type else None,
        file_size=row.file_size,
        at=row.at,
    )


class SqlClaimRepository:
    """Implements bot.ports.ClaimRepository. Changes are conditional UPDATEs (WHERE the status is still
    the one expected), so two staff members or a double press cannot both act."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def report(self, report: NewReport) -> tuple[Claim, bool]:
        values = {
            "retiree_id": report.retiree_id,
            "reference": report.reference,
            "report_status": ReportStatus.REPORTED.value,
            "status": ClaimStatus.GATHERING.value,
            "died_on": report.died_on,
            "reported_by_account_id": report.account_id,
            "reported_at": report.at,
            "applicant_relation": report.relation,
            "applicant_phone": report.phone,
            "applicant_is_recipient": report.is_recipient,
            "overpayment_settled": False,
            "updated_at": report.at,
        }
        inserted = await self._session.scalar(
            insert_for(self._session, ClaimRow)
            .values(values)
            .on_conflict_do_nothing(index_elements=["retiree_id"])
            .returning(ClaimRow.id)
        )
        opened = inserted is not None
        if not opened:
            # A withdrawn (mistaken) report reported again: the same row, opened afresh.
            again = {k: v for k, v in values.items() if k not in ("retiree_id", "reference")}
            reopened = await self._session.execute(
                update(ClaimRow)
                .where(
                    ClaimRow.retiree_id == report.retiree_id,
                    ClaimRow.report_status == ReportStatus.WITHDRAWN.value,
                )
                .values(
                    **again,
                    confirmed_by_account_id=None,
                    confirmed_at=None,
                    amount_fen=None,
                    note=None,
                    submitted_at=None,
                    escalated_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            opened = bool(reopened.rowcount)  # type: ignore[attr-defined]
        found = await self.for_retiree(report.retiree_id)
        assert found is not None
        return found, opened

    async def _row(self, **where: Any) -> ClaimRow | None:
        row = await self._session.scalar(
            select(ClaimRow).filter_by(**where).execution_options(populate_existing=True)
        )
        return row

    async def get(self, claim_id: int) -> Claim | None:
        row = await self._row(id=claim_id)
        return None if row is None else _claim(row)

    async def for_retiree(self, retiree_id: int) -> Claim | None:
        row = await self._row(retiree_id=retiree_id)
        return None if row is None else _claim(row)

    async def _move_report(self, claim_id: int, to: ReportStatus, at: datetime, **values: Any) -> bool:
        result = await self._session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim_id, ClaimRow.report_status == ReportStatus.REPORTED.value)
            .values(report_status=to.value, updated_at=at, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def confirm(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        return await self._move_report(
            claim_id, ReportStatus.CONFIRMED, at, confirmed_by_account_id=by_account_id, confirmed_at=at
        )

    async def withdraw(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        return await self._move_report(claim_id, ReportStatus.WITHDRAWN, at)

    async def set_status(
        self,
        claim_id: int,
        status: ClaimStatus,
        at: datetime,
        *,
        only_from: Sequence[ClaimStatus],
        amount: Decimal | None = None,
        note: str | None = None,
    ) -> bool:
        values: dict[str, Any] = {
            "status": status.value,
            "updated_at": at,
            "note": note,
            "escalated_at": None,
        }
        if amount is not None:
            values["amount_fen"] = to_fen_int(amount)
        if status is ClaimStatus.SUBMITTED:
            values["submitted_at"] = at
        result = await self._session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim_id, ClaimRow.status.in_([s.value for s in only_from]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_details(
        self,
        claim_id: int,
        *,
        contributed_months: int | None = None,
        paid_through: str | None = None,
        monthly_pension: Decimal | None = None,
        overpayment_settled: bool | None = None,
    ) -> None:
        given = {
            "contributed_months": contributed_months,
            "paid_through": paid_through,
            "monthly_pension_fen": to_fen_int(monthly_pension),
            "overpayment_settled": overpayment_settled,
        }
        values = {key: value for key, value in given.items() if value is not None}
        if values:
            await self._session.execute(
                update(ClaimRow)
                .where(ClaimRow.id == claim_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    async def put_document(self, document: ClaimDocument, account_id: int) -> None:
        values = {
            "state": document.state.value,
            "file_id": document.file_id,
            "file_type": document.file_type.value if document.file_type else None,
            "file_size": document.file_size,
            "account_id": account_id,
            "at": document.at,
        }
        statement = insert_for(self._session, ClaimDocumentRow).values(
            claim_id=document.claim_id, kind=document.kind, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["claim_id", "kind"], set_=values)
        )

    async def documents(self, claim_id: int) -> Sequence[ClaimDocument]:
        rows = await self._session.scalars(
            select(ClaimDocumentRow)
            .where(ClaimDocumentRow.claim_id == claim_id)
            .order_by(ClaimDocumentRow.id)
            .execution_options(populate_existing=True)
        )
        return [_document(row) for row in rows]

    async def _items(self, statement: Any) -> list[ClaimListItem]:
        rows = await self._session.execute(
            statement.add_columns(RetireeRow.name, RetireeRow.id_masked, RetireeRow.community_id)
            .join(RetireeRow, RetireeRow.id == ClaimRow.retiree_id)
            .execution_options(populate_existing=True)
        )
        return [ClaimListItem(_claim(row[0]), row.name, row.id_masked, row.community_id) for row in rows]

    async def listing(
        self,
        unit_ids: Sequence[int],
        statuses: Sequence[ClaimStatus],
        offset: int,
        limit: int,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        newest_first: bool = False,
    ) -> Sequence[ClaimListItem]:
        if not unit_ids or not statuses:
            return []
        statement = select(ClaimRow).where(
            RetireeRow.community_id.in_(list(unit_ids)), ClaimRow.status.in_([s.value for s in statuses])
        )
        if since is not None:
            statement = statement.where(ClaimRow.reported_at >= since)
        if until is not None:
            statement = statement.where(ClaimRow.reported_at < until)
        order = (
            (ClaimRow.reported_at.desc(), ClaimRow.id.desc())
            if newest_first
            else (ClaimRow.updated_at, ClaimRow.id)
        )
        return await self._items(statement.order_by(*order).offset(offset).limit(limit))

    async def untouched(self, before: datetime, limit: int) -> Sequence[ClaimListItem]:
        statement = (
            select(ClaimRow)
            .where(
                ClaimRow.status.in_([s.value for s in OPEN_FOR_STAFF]),
                ClaimRow.updated_at < before,
                ClaimRow.escalated_at.is_(None),
            )
            .order_by(ClaimRow.updated_at, ClaimRow.id)
            .limit(limit)
        )
        return await self._items(statement)

    async def mark_escalated(self, claim_id: int, at: datetime) -> None:
        await self._session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim_id)
            .values(escalated_at=at)
            .execution_options(synchronize_session=False)
        )
