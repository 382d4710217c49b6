"""ORM models of death reports and death-benefit claims: one claim per deceased retiree, and its documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.claims import ClaimStatus, DocumentState, FileType, ReportStatus
from storage.models.base import Base, one_of, utcnow


class ClaimRow(Base):
    __tablename__ = "claims"
    __table_args__ = (
        one_of("report_status", ReportStatus),
        one_of("status", ClaimStatus),
        # The staff queue and the escalation scan: open claims by status, oldest change first.
        Index("ix_claims_status_updated_at", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One claim per retiree, however many relatives report the death at once (INSERT ... ON CONFLICT).
    retiree_id: Mapped[int] = mapped_column(ForeignKey("retirees.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    report_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    died_on: Mapped[date] = mapped_column(Date)
    reported_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    reported_at: Mapped[datetime]
    applicant_relation: Mapped[str] = mapped_column(String(32))
    applicant_phone: Mapped[str | None] = mapped_column(String(32))
    applicant_is_recipient: Mapped[bool] = mapped_column(Boolean, default=True)
    confirmed_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None]
    contributed_months: Mapped[int | None] = mapped_column(Integer)
    paid_through: Mapped[str | None] = mapped_column(String(7))
    # Amounts in fen (whole numbers): SQLite has no exact decimal type.
    monthly_pension_fen: Mapped[int | None] = mapped_column(Integer)
    overpayment_settled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    escalated_at: Mapped[datetime | None]


class ClaimDocumentRow(Base):
    __tablename__ = "claim_documents"
    __table_args__ = (
        UniqueConstraint("claim_id", "kind"),
        one_of("state", DocumentState),
        one_of("file_type", FileType),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_type: Mapped[str | None] = mapped_column(String(8))
    file_size: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
