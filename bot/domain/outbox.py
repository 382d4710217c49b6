"""Proactive messages: what a service queues (OutboxMessage), what the sender claims and reports, and what
staff see of a batch's delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.actions import Keyboard


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
    HELD = "held"  # about a retiree whose death was reported: kept unsent until staff confirm or withdraw
    # Never sent: held and the death was confirmed, or staff cancelled the batch before it went out.
    CANCELLED = "cancelled"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    # Not files: COPY sends a copy of the message `file_id` names ("<chat id>:<message id>", copyMessage,
    # its text and formatting kept, the row's text unused); EDIT replaces the text of the bot's message
    # `file_id` (its message id) in the row's chat, e.g. a broadcast's progress shown to staff.
    COPY = "copy"
    EDIT = "edit"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file Telegram already has (a file_id); the message text becomes its caption (≤ 1024 chars). Or a
    message to copy or to edit (AttachmentKind.COPY, EDIT)."""

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
    about_retiree_id: int | None = None  # a message to a relative about a retiree: held with the retiree's

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
    cancelled: int = 0  # staff cancelled the batch before these went out
    held: int = 0  # about a retiree whose death was reported: kept until staff confirm or withdraw it

    @property
    def waiting(self) -> int:
        """Not sent yet, and still to be sent or settled."""
        return self.queued + self.sending + self.waiting_quiet_hours + self.held

    @property
    def total(self) -> int:
        return self.waiting + self.sent + self.failed + self.unreachable + self.cancelled

    @property
    def done(self) -> bool:
        return self.waiting == 0


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


@dataclass(frozen=True, slots=True)
class UnreachableAccount:
    """An account in a staff member's subtree that blocked the bot: nothing more is sent to it, so staff
    reach the person another way (a call, a visit). `family` is True for a family member's account."""

    account_id: int
    retiree_id: int
    retiree_name: str
    id_masked: str
    phone: str | None
    family: bool
