"""ORM models of the outbox: proactive messages waiting to be sent, and the batches staff follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.outbox import AttachmentKind, MessageCategory, OutboxStatus
from storage.models.base import Base, one_of, utcnow


class OutboxBatchRow(Base):
    __tablename__ = "outbox_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    created_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        one_of("category", MessageCategory),
        one_of("status", OutboxStatus),
        one_of("attachment_kind", AttachmentKind),
        # The claim query walks this index in order: status = 'queued', lowest priority number, oldest id.
        Index("ix_outbox_claim", "status", "priority", "id"),
        # A claim looks up the claimed chats' other waiting or in-flight rows (one chat in order).
        Index("ix_outbox_chat", "chat_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED.value)
    text: Mapped[str | None] = mapped_column(Text)
    keyboard: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    template: Mapped[str | None] = mapped_column(String(100))
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(16))
    attachment_kind: Mapped[str | None] = mapped_column(String(16))
    attachment_file_id: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # NULL = as soon as possible; set by retries (backoff) and by quiet hours.
    not_before: Mapped[datetime | None]
    # True while not_before was moved to the end of the recipient's quiet hours (shown in batch progress).
    held_for_quiet: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_batches.id"), index=True)
    # The retiree a message to someone else is about (a family reminder): held with the retiree's own.
    about_retiree_id: Mapped[int | None] = mapped_column(
        ForeignKey("retirees.id", ondelete="CASCADE"), index=True
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
