"""ORM models of policy questions: those handed to staff, those the bot could not answer, and passages of
ingested notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.questions import QuestionStatus
from storage.models.base import Base, one_of, utcnow


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (one_of("status", QuestionStatus),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    retiree_id: Mapped[int | None] = mapped_column(ForeignKey("retirees.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=QuestionStatus.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None]
    answered_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]


class UnansweredQuestionRow(Base):
    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class KbPassageRow(Base):
    __tablename__ = "kb_passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(
        String(200), index=True
    )  # the file it came from: re-ingest replaces
    title: Mapped[str] = mapped_column(String(200))
    section: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
