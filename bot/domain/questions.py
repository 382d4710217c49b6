"""Records of questions handed to people: what a retiree asked, who answers, and what the bot missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class QuestionStatus(StrEnum):
    OPEN = "open"  # waiting for staff
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    asker_account_id: int
    retiree_id: int | None  # whose community it goes to (the asker's own, or the linked retiree's)
    unit_id: int | None  # the community (or higher unit) whose staff should answer
    text: str
    language: str
    status: QuestionStatus
    created_at: datetime
    answered_at: datetime | None = None
    answered_by_account_id: int | None = None
    answer: str | None = None
    escalated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A question the bot could not answer, kept (without personal data) to improve the knowledge base."""

    id: int
    text: str
    language: str
    reason: str
    confidence: float
    at: datetime
