"""Plain records the repositories hand to the core: no ORM objects cross the storage boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.actions import Keyboard


class UnitKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"  # district or county
    STREET = "street"  # street office or town
    COMMUNITY = "community"


class AccountRole(StrEnum):
    NEW = "new"  # has talked to the bot, not yet identified
    RETIREE = "retiree"
    FAMILY = "family"
    STAFF = "staff"


class StaffRole(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class OrgUnit:
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class RetireeRecord:
    """A roster row as imported: the ID number only as its keyed hash and masked form."""

    name: str
    id_hash: str
    id_masked: str
    birth_date: date
    retirement_date: date
    community_code: str
    phone: str | None = None
    lives_elsewhere: bool = False
    deceased: bool = False


@dataclass(frozen=True, slots=True)
class StagedRetiree:
    """A roster file's row held for a set-based import: its line and the keyed hash of its ID number, and
    its record (None for a row that is wrong otherwise: it is held only so that an ID number found twice
    is reported on both lines)."""

    line: int
    id_hash: str
    record: RetireeRecord | None


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """An org-unit file's row as imported."""

    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What a set-based insert-or-update did: rows created, rows changed, rows left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )


@dataclass(frozen=True, slots=True)
class Retiree:
    id: int
    name: str
    id_hash: str
    id_masked: str
    birth_date: date
    retirement_date: date
    community_id: int
    phone: str | None
    lives_elsewhere: bool
    deceased: bool


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    telegram_user_id: int
    chat_id: int
    locale: str
    role: AccountRole
    retiree_id: int | None  # set when role is RETIREE
    unreachable: bool = False  # Telegram said 403: the user blocked the bot; nothing is sent to them

    @property
    def is_retiree_or_family(self) -> bool:
        """Someone who acts for retirees (their own or a relative's): neither staff nor not yet identified."""
        return self.role in (AccountRole.RETIREE, AccountRole.FAMILY)


@dataclass(frozen=True, slots=True)
class Turn:
    """What a private chat's update starts from: its sender's account and the chat's conversation state."""

    account: Account
    state: ConversationState | None


@dataclass(frozen=True, slots=True)
class StaffMembership:
    account_id: int
    unit_id: int
    role: StaffRole


@dataclass(frozen=True, slots=True)
class FamilyLink:
    account_id: int
    retiree_id: int
    relation: str


@dataclass(frozen=True, slots=True)
class StaffInvite:
    unit_id: int
    role: StaffRole
    expires_at: datetime


@dataclass(slots=True)
class ConversationState:
    """Where a chat is in a flow. `data` must stay JSON-serialisable and must never hold an ID number."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- outbox
class MessageCategory(StrEnum):
    """Why a proactive message is sent; decides its default priority and whether quiet hours apply."""

    URGENT = "urgent"  # exempt from quiet hours (a death-benefit decision, a suspension tomorrow)
    NOTICE = "notice"  # a claim decision, a staff task
    REMINDER = "reminder"  # certification and event reminders
    BROADCAST = "broadcast"  # activity notices to a whole community


# Lower goes first (like `nice`): a claim decision must not wait behind ten thousand broadcast rows.
DEFAULT_PRIORITY: dict[MessageCategory, int] = {
    MessageCategory.URGENT: 0,
    MessageCategory.NOTICE: 10,
    MessageCategory.REMINDER: 20,
    MessageCategory.BROADCAST: 30,
}


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting to be sent (maybe not before `not_before`)
    SENDING = "sending"  # claimed by a worker; reclaimed when its lease runs out
    SENT = "sent"
    FAILED = "failed"  # refused for good (400) or retried too often; `last_error` says why
    UNREACHABLE = "unreachable"  # the recipient blocked the bot (403)


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file Telegram already has (a file_id); the message text becomes its caption (≤ 1024 chars)."""

    kind: AttachmentKind
    file_id: str


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A proactive message to enqueue. Give either `text` (Telegram HTML, already rendered and escaped) or
    `template` + `context` + `locale` (rendered when sent, in the recipient's language then).

    `dedupe_key` makes enqueuing idempotent: a second message with the same key is dropped, so a job that
    runs twice enqueues once. Build it from the cause, e.g. f"cert-reminder:{retiree_id}:{year}:1".
    `account_id` is None only for chats that are not an account (a community group).
    `time_zone` (IANA name) decides the recipient's quiet hours; None means the configured TIMEZONE.
    """

    chat_id: int
    category: MessageCategory
    dedupe_key: str
    account_id: int | None = None
    text: str | None = None
    keyboard: Keyboard | None = None
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    locale: str | None = None
    attachment: Attachment | None = None
    priority: int | None = None  # lower goes first; None: DEFAULT_PRIORITY of the category
    not_before: datetime | None = None  # None: as soon as possible
    batch_id: int | None = None
    time_zone: str | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.template is None):
            raise ValueError("an outbox message needs exactly one of text or template")
        if not self.dedupe_key:
            raise ValueError("an outbox message needs a dedupe key")

    @property
    def effective_priority(self) -> int:
        return DEFAULT_PRIORITY[self.category] if self.priority is None else self.priority


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """Where a batch (a broadcast, a day's reminders) stands; what staff see."""

    batch_id: int
    kind: str
    title: str
    created_at: datetime
    queued: int = 0  # waiting to be sent now (or retried after a transient error)
    sending: int = 0
    sent: int = 0
    failed: int = 0
    unreachable: int = 0
    waiting_quiet_hours: int = 0  # held until the recipient's quiet hours end

    @property
    def total(self) -> int:
        waiting = self.queued + self.sending + self.waiting_quiet_hours
        return waiting + self.sent + self.failed + self.unreachable

    @property
    def done(self) -> bool:
        return self.queued == self.sending == self.waiting_quiet_hours == 0


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed outbox row as the delivery job sees it."""

    id: int
    chat_id: int
    account_id: int | None
    category: MessageCategory
    priority: int
    text: str | None
    keyboard: Keyboard | None
    template: str | None
    context: dict[str, Any]
    locale: str | None
    attachment: Attachment | None
    time_zone: str | None
    attempts: int
    batch_id: int | None
    dedupe_key: str


@dataclass(slots=True)
class DeliveryReport:
    """What a delivery worker learnt about rows it claimed; recorded in one transaction."""

    sent: list[tuple[int, int | None]] = field(default_factory=list)  # (row id, Telegram message id)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (row id, reason): for good
    retry: list[tuple[int, datetime, str]] = field(default_factory=list)  # (row id, not before, error)
    quiet: list[tuple[int, datetime]] = field(default_factory=list)  # (row id, end of quiet hours)
    unreachable: list[tuple[int, str]] = field(default_factory=list)  # (row id, reason): 403
    released: list[int] = field(default_factory=list)  # claimed, never tried: back to the queue

    def __len__(self) -> int:
        return sum(
            len(part)
            for part in (self.sent, self.failed, self.retry, self.quiet, self.unreachable, self.released)
        )
