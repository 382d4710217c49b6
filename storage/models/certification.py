"""ORM models of the certification campaign: one status row per retiree and cycle (absent = pending), and
the photos or videos waiting for staff review.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.certification import (
    CertMethod,
    CertStatus,
    RejectReason,
    SubmissionKind,
    SubmissionStatus,
)
from storage.models.base import Base, one_of, utcnow


class CertificationRow(Base):
    __tablename__ = "certifications"
    __table_args__ = (
        one_of("status", CertStatus),
        one_of("method", CertMethod),
        # Staff lists and the suspension scan go by cycle and status.
        Index("ix_certifications_cycle_status", "cycle", "status"),
    )

    retiree_id: Mapped[int] = mapped_column(
        ForeignKey("retirees.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    cycle: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(24))
    certified_at: Mapped[datetime | None]
    certified_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    self_reported_at: Mapped[datetime | None]
    visit_requested_at: Mapped[datetime | None]
    family_told_at: Mapped[datetime | None]
    suspended_at: Mapped[datetime | None]
    suspension_told_at: Mapped[datetime | None]
    restored_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CertificationSubmissionRow(Base):
    __tablename__ = "certification_submissions"
    __table_args__ = (
        one_of("kind", SubmissionKind),
        one_of("status", SubmissionStatus),
        one_of("reason", RejectReason),
        Index("ix_certification_submissions_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    retiree_id: Mapped[int] = mapped_column(ForeignKey("retirees.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    # Telegram's file_id of the photo or video: the picture itself stays with Telegram.
    file_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.WAITING.value)
    reason: Mapped[str | None] = mapped_column(String(16))
    reviewed_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
