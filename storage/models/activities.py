"""Tables of community life: activities with their sign-ups and waitlists, staff notices, and the accounts
that turned activity notices off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.activities import Audience, AudienceFilter, NoticeStatus, SignupStatus
from storage.models.base import Base, one_of, utcnow


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (one_of("audience", Audience),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)  # NULL: unlimited
    # Places held (confirmed and offered, companions included): changed only by conditional UPDATEs.
    taken: Mapped[int] = mapped_column(Integer, default=0)
    signup_deadline: Mapped[datetime]
    audience: Mapped[str] = mapped_column(String(16))
    companions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignupRow(Base):
    __tablename__ = "activity_signups"
    __table_args__ = (
        one_of("status", SignupStatus),
        UniqueConstraint("activity_id", "account_id"),
        # The waitlist in order, and the open offers.
        Index("ix_activity_signups_queue", "activity_id", "status", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    companions: Mapped[int] = mapped_column(Integer, default=0)
    # Order on the waitlist: the row's id when it (re)joined, so signing up again goes to the back.
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    offer_expires_at: Mapped[datetime | None] = mapped_column(index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NoticeRow(Base):
    __tablename__ = "notices"
    __table_args__ = (
        one_of("status", NoticeStatus),
        one_of("audience", Audience),
        one_of("narrowing", AudienceFilter),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    audience: Mapped[str] = mapped_column(String(16), default=Audience.BOTH.value)
    narrowing: Mapped[str] = mapped_column(String(16), default=AudienceFilter.ALL.value)
    status: Mapped[str] = mapped_column(String(16), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_batches.id"))
    progress_shown: Mapped[str | None] = mapped_column(String(200))
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeOptOutRow(Base):
    __tablename__ = "notice_opt_outs"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
