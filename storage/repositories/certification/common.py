"""What the certification repository's parts share: the statuses that count as open, the joins and filters
of the roster's certification rows, and records made from rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    false,
    or_,
    select,
)

from bot.domain.certification import (
    CertificationRecord,
    CertList,
    CertMethod,
    CertStatus,
    RejectReason,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from bot.domain.people import AccountRole
from storage.models import (
    AccountRow,
    CertificationRow,
    CertificationSubmissionRow,
    RetireeRow,
)
from storage.repositories._sql import table_of

OPEN = (CertStatus.PENDING.value,)
NOT_CERTIFIED = (CertStatus.PENDING.value, CertStatus.SELF_REPORTED.value)
CHUNK = 1000


def in_campaign() -> ColumnElement[bool]:
    """Alive, and no death reported that staff have yet to confirm or withdraw."""
    return and_(RetireeRow.deceased.is_(false()), RetireeRow.death_reported_at.is_(None))


# A retiree's status is read on every press of the certification menu: prepared once, read as plain rows.
CERTIFICATIONS = table_of(CertificationRow)
SUBMISSIONS = table_of(CertificationSubmissionRow)
ONE = select(CERTIFICATIONS).where(
    CERTIFICATIONS.c.retiree_id == bindparam("retiree_id"), CERTIFICATIONS.c.cycle == bindparam("cycle")
)
# ...and with it whether a photo of theirs waits for staff.
WAITING = (
    select(SUBMISSIONS.c.id)
    .where(
        SUBMISSIONS.c.retiree_id == bindparam("retiree_id"),
        SUBMISSIONS.c.status == SubmissionStatus.WAITING.value,
    )
    .limit(1)
)


def record_of(row: CertificationRow | Any) -> CertificationRecord:
    """From a mapped row or a result row of the same columns."""
    return CertificationRecord(
        retiree_id=row.retiree_id,
        cycle=row.cycle,
        status=CertStatus(row.status),
        method=CertMethod(row.method) if row.method else None,
        certified_at=row.certified_at,
        self_reported_at=row.self_reported_at,
        visit_requested_at=row.visit_requested_at,
        suspended_at=row.suspended_at,
        restored_at=row.restored_at,
    )


def aware(value: datetime | None) -> datetime | None:
    """A timestamp from a raw SELECT: the column type's UTC handling does not apply to an aggregate."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def submission_of(row: CertificationSubmissionRow) -> Submission:
    return Submission(
        id=row.id,
        retiree_id=row.retiree_id,
        cycle=row.cycle,
        account_id=row.account_id,
        kind=SubmissionKind(row.kind),
        file_id=row.file_id,
        status=SubmissionStatus(row.status),
        created_at=row.created_at,
        reason=RejectReason(row.reason) if row.reason else None,
        reviewed_by=row.reviewed_by_account_id,
        reviewed_at=row.reviewed_at,
    )


def joined(cycle: str) -> Any:
    """Retirees with their status row of the cycle (if any)."""
    return RetireeRow.__table__.outerjoin(
        CertificationRow.__table__,
        and_(CertificationRow.retiree_id == RetireeRow.id, CertificationRow.cycle == cycle),
    )


def status_in(values: Sequence[str]) -> ColumnElement[bool]:
    column = CertificationRow.status
    if CertStatus.PENDING.value in values:
        return or_(column.is_(None), column.in_(values))
    return column.in_(values)


def list_filter(which: CertList, all_pending_to_visit: bool) -> ColumnElement[bool]:
    if which is CertList.TO_VISIT:
        if all_pending_to_visit:
            return status_in(OPEN)
        return and_(status_in(OPEN), CertificationRow.visit_requested_at.is_not(None))
    return status_in((which.value,))


def reachable(*roles: AccountRole) -> ColumnElement[bool]:
    return and_(AccountRow.role.in_([role.value for role in roles]), AccountRow.unreachable.is_(false()))


# Who hears about a retiree through a family link: family members, and retirees who look after a spouse.
LOOKING_AFTER = (AccountRole.FAMILY, AccountRole.RETIREE)
