"""Pension-eligibility certification (领取养老金资格认证): statuses, methods and the records storage returns.

A retiree has one status per cycle (a campaign year such as "2027", or a rolling due month such as
"2027-05"). No stored row means "pending": the campaign never writes a row per retiree just to say that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.actions import InlineKeyboard


class CertStatus(StrEnum):
    PENDING = "pending"
    SELF_REPORTED = "self_reported"  # the retiree says they certified elsewhere; staff have not confirmed
    CERTIFIED = "certified"
    SUSPENDED = "suspended"  # not certified by the suspension date: payments stop until they certify


class CertMethod(StrEnum):
    SELF_SERVICE = "self_service"  # a photo or short video through the bot, checked by staff
    HOME_VISIT = "home_visit"
    IN_PERSON = "in_person"  # at the office
    DATA_COMPARISON = "data_comparison"  # "silent" certification from other records, imported
    SELF_REPORT = "self_report"  # the retiree's own word, confirmed by staff


class SubmissionStatus(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


class SubmissionKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class RejectReason(StrEnum):
    UNCLEAR = "unclear"
    NO_ID = "no_id"
    NOT_RETIREE = "not_retiree"
    OTHER = "other"


class CertList(StrEnum):
    """The lists staff page through."""

    PENDING = "pending"
    SELF_REPORTED = "self_reported"
    TO_VISIT = "to_visit"  # asked for a home visit, or (after the staff-task date) anyone still pending
    SUSPENDED = "suspended"
    CERTIFIED = "certified"


KEY_DIGITS = 10  # ids in reminder dedupe keys are zero-padded to this width


# Statuses that stop reminders: a retiree who says they certified is not nagged while staff check.
@dataclass(frozen=True, slots=True)
class CertificationRecord:
    retiree_id: int
    cycle: str
    status: CertStatus
    method: CertMethod | None = None
    certified_at: datetime | None = None
    self_reported_at: datetime | None = None
    visit_requested_at: datetime | None = None
    suspended_at: datetime | None = None
    restored_at: datetime | None = None  # certified after having been suspended: back pay follows


@dataclass(frozen=True, slots=True)
class Submission:
    """A photo or video of the retiree holding their ID, waiting for (or after) a staff review."""

    id: int
    retiree_id: int
    cycle: str
    account_id: int
    kind: SubmissionKind
    file_id: str
    status: SubmissionStatus
    created_at: datetime
    reason: RejectReason | None = None
    reviewed_by: int | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CertListItem:
    """One line of a staff list: no ID number, only its masked form."""

    retiree_id: int
    name: str
    id_masked: str
    community_id: int
    status: CertStatus
    lives_elsewhere: bool
    visit_requested: bool
    certified_at: datetime | None = None
    method: CertMethod | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a proactive message goes to."""

    account_id: int
    chat_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class PendingRetiree:
    """A retiree an escalation is about, with the family accounts to tell."""

    retiree_id: int
    name: str
    community_id: int
    lives_elsewhere: bool
    family: tuple[Recipient, ...]
    own: tuple[Recipient, ...] = ()


@dataclass(frozen=True, slots=True)
class RollingRetiree:
    """What the rolling-mode scan needs of an alive retiree to place them in their own cycle."""

    retiree_id: int
    name: str
    birth_date: date
    lives_elsewhere: bool
    last_certified_at: datetime | None
    own: tuple[Recipient, ...] = ()
    family: tuple[Recipient, ...] = ()


@dataclass(frozen=True, slots=True)
class RetireeStanding:
    """A living retiree of a staff member's units with all their certification records: in rolling mode
    each retiree is in a cycle of their own, found from their birth date and last certification."""

    retiree_id: int
    name: str
    id_masked: str
    community_id: int
    birth_date: date
    lives_elsewhere: bool
    records: tuple[CertificationRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class UnitRecipient:
    """A staff account and the unit it serves (e.g. a street supervisor)."""

    account_id: int
    chat_id: int
    locale: str
    unit_id: int


@dataclass(frozen=True, slots=True)
class ReminderBatch:
    """One reminder of one cycle, for a set-based enqueue: the template is rendered when sent (in the
    recipient's language), from `contexts[(locale, lives_elsewhere)]`; accounts in a locale not listed get
    `default_locale`'s. Rows stay small (no rendered text per retiree), which matters at a million rows.
    The dedupe key of each row is `dedupe_key(retiree_id, account_id)`."""

    cycle: str
    number: int
    template: str
    contexts: Mapping[tuple[str, bool], Mapping[str, Any]]
    keyboards: Mapping[str, InlineKeyboard]
    default_locale: str
    batch_id: int | None = None
    time_zone: str | None = None

    @property
    def dedupe_prefix(self) -> str:
        return reminder_key_prefix(self.cycle, self.number)

    def dedupe_key(self, retiree_id: int, account_id: int) -> str:
        return reminder_dedupe_key(self.cycle, self.number, retiree_id, account_id)


def reminder_key_prefix(cycle: str, number: int) -> str:
    return f"cert-rem:{cycle}:{number}:"


def reminder_dedupe_key(cycle: str, number: int, retiree_id: int, account_id: int) -> str:
    """The one dedupe key of reminder `number` of `cycle` to one account about one retiree (the set-based
    enqueue builds the same text in SQL from the prefix and KEY_DIGITS). Zero-padded so that keys sort
    like the ids they are built from: a tick inserts them in id order, and the unique index then grows at
    its right edge instead of splitting pages all over."""
    return f"{reminder_key_prefix(cycle, number)}{retiree_id:0{KEY_DIGITS}d}:{account_id:0{KEY_DIGITS}d}"
