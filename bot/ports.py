"""Boundaries of the core, as typing.Protocols. Real implementations live at the edge (storage/, handlers/);
tests use fakes of these, never mocks of the core itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bot.actions import Action
from bot.domain.certification import (
    CertificationRecord,
    CertList,
    CertListItem,
    CertMethod,
    CertStatus,
    PendingRetiree,
    RejectReason,
    ReminderBatch,
    RetireeStanding,
    RollingRetiree,
    Submission,
    SubmissionKind,
    UnitRecipient,
)
from bot.domain.delivery import UnreachableAccount
from bot.domain.questions import Question, UnansweredQuestion
from bot.domain.records import (
    Account,
    AccountRole,
    BatchProgress,
    ConversationState,
    FamilyLink,
    OrgUnit,
    OutboxMessage,
    Retiree,
    RetireeRecord,
    StaffInvite,
    StaffMembership,
    StaffRole,
    StagedRetiree,
    Turn,
    UnitKind,
    UnitRecord,
    UpsertCounts,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


# --- what a Messenger raises: Bot API failures in neutral terms, so callers (the update pipeline, the
# outbox delivery job) can react without knowing which framework raised them.


class DeliveryError(Exception):
    """A Bot API call failed; `method` names it. Never carries message text."""

    def __init__(self, method: str, description: str) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.description = description


class RecipientBlocked(DeliveryError):
    """403: the user blocked the bot or the chat is gone. Retrying will not help."""


class RateLimited(DeliveryError):
    """429: Telegram asks us to wait `retry_after` seconds before the next call."""

    def __init__(self, method: str, description: str, retry_after: float) -> None:
        super().__init__(method, description)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """A network problem or a server-side (5xx) error: the same call may succeed later."""


class Messenger(Protocol):
    """Sends actions to Telegram through whichever framework is in use."""

    async def execute(self, action: Action) -> int | None:
        """Perform the action; return the sent message's id for SendText, else None. Raises
        DeliveryError (RecipientBlocked, RateLimited, TransientError, or itself for a refused call)."""
        ...


class OrgUnitRepository(Protocol):
    async def get(self, unit_id: int) -> OrgUnit | None: ...
    async def community_of(self, retiree_id: int) -> OrgUnit | None:
        """The community a retiree belongs to (None for an unknown retiree)."""
        ...

    async def get_by_code(self, code: str) -> OrgUnit | None: ...
    async def all(self) -> Sequence[OrgUnit]:
        """Every unit, parents before their children (a city has thousands)."""
        ...

    async def upsert(self, code: str, name: str, kind: UnitKind, parent_code: str | None) -> bool:
        """Insert or update by code; True when anything changed. The parent must already exist."""
        ...

    async def upsert_many(self, units: Sequence[UnitRecord]) -> UpsertCounts:
        """`upsert` of each unit, set-based where the storage can: a unit's parent comes before it in
        `units` or exists already. A unit moved to another parent takes its subtree along."""
        ...

    async def ancestors(self, unit_id: int) -> Sequence[OrgUnit]:
        """The unit's parents, nearest first (community → street → district → city)."""
        ...

    async def subtree_ids(self, unit_id: int) -> Sequence[int]:
        """The unit and every unit below it."""
        ...


class RetireeRepository(Protocol):
    async def get(self, retiree_id: int) -> Retiree | None: ...
    async def find_by_id_hash(self, id_hash: str) -> Retiree | None: ...
    async def upsert(self, record: RetireeRecord) -> bool:
        """Insert or update by id_hash; True when anything changed. The community code must exist."""
        ...

    # A roster file, set-based: its rows are staged and applied a chunk at a time (the database works on
    # one chunk while the next is read), and ID numbers found twice are looked for among every row staged
    # at the end, before the caller commits. Nothing of the file is kept in the process: a file of any
    # size costs the same memory.

    async def stage(self, rows: Sequence[StagedRetiree]) -> None:
        """Hold these rows in this unit of work (a chunk in one trip; PostgreSQL: COPY into a temporary
        table): those with a record for the next apply_staged, every one's line and ID hash for
        staged_duplicates. Lines are staged in increasing order."""
        ...

    async def apply_staged(self) -> UpsertCounts:
        """Insert or update by id_hash, set-based, the rows staged since the last apply_staged; what was
        created, updated (anything differed) and left unchanged. Their community codes are known. An ID
        hash twice among them is written once, without an error: staged_duplicates tells."""
        ...

    async def staged_duplicates(self) -> Sequence[tuple[int, int]]:
        """(line, first line) of every staged row whose ID hash a row of an earlier line has, by line;
        then the staging is over (what was staged and not applied is forgotten)."""
        ...

    async def count(self) -> int: ...


class AccountRepository(Protocol):
    async def get(self, account_id: int) -> Account | None: ...
    async def get_by_telegram_user(self, telegram_user_id: int) -> Account | None: ...
    async def get_or_create(self, telegram_user_id: int, chat_id: int, locale: str) -> Account:
        """The account of this Telegram user; `locale` is used only when it is created."""
        ...

    async def set_locale(self, account_id: int, locale: str) -> None: ...
    async def set_role(self, account_id: int, role: AccountRole, retiree_id: int | None = None) -> None: ...
    async def for_retiree(self, retiree_id: int) -> Sequence[Account]:
        """Accounts bound to this retiree as the retiree themself."""
        ...

    async def set_unreachable(self, account_id: int, unreachable: bool = True) -> None:
        """Telegram answered 403 (the user blocked the bot), or the user came back."""
        ...


class FamilyLinkRepository(Protocol):
    async def link(self, account_id: int, retiree_id: int, relation: str) -> None:
        """Create or update the link (one per account and retiree)."""
        ...

    async def for_account(self, account_id: int) -> Sequence[FamilyLink]: ...
    async def for_retiree(self, retiree_id: int) -> Sequence[FamilyLink]: ...
    async def remove_for_account(self, account_id: int) -> None:
        """Remove every link of the account (it no longer speaks for those retirees)."""
        ...


class StaffRepository(Protocol):
    async def add_membership(self, account_id: int, unit_id: int, role: StaffRole) -> None: ...
    async def memberships(self, account_id: int) -> Sequence[StaffMembership]: ...
    async def create_invite(
        self, token_hash: str, unit_id: int, role: StaffRole, expires_at: datetime
    ) -> None: ...

    async def redeem_invite(self, token_hash: str, account_id: int, now: datetime) -> StaffInvite | None:
        """Mark the invite used by this account and return it; None if unknown, used or expired."""
        ...


class ConversationRepository(Protocol):
    async def load(self, chat_id: int, user_id: int) -> ConversationState | None: ...
    async def save(self, chat_id: int, user_id: int, state: ConversationState) -> None: ...
    async def clear(self, chat_id: int, user_id: int) -> None: ...


class UpdateLog(Protocol):
    async def claim(self, update_id: int, now: datetime) -> bool:
        """Record the update as processed; False if it was already (a redelivery)."""
        ...

    async def prune(self, before: datetime) -> int:
        """Forget updates processed before `before`; returns how many."""
        ...


class LoginAttemptRepository(Protocol):
    async def record_failure(self, account_id: int, at: datetime) -> None: ...
    async def failures_since(self, account_id: int, since: datetime) -> int: ...
    async def prune(self, before: datetime) -> int: ...


class AuditLog(Protocol):
    async def record(
        self, actor_account_id: int | None, action: str, target: str, details: dict[str, Any], at: datetime
    ) -> None: ...


class Outbox(Protocol):
    """Proactive messages, written in the same unit of work as the state change that causes them: the
    commit that records a decision also queues its notice, and a rollback drops both. The delivery job
    (scheduler/delivery) sends them within Telegram's limits."""

    async def enqueue(self, message: OutboxMessage) -> bool:
        """Queue the message; False (and nothing queued) when its dedupe key is already in the outbox."""
        ...

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        """Queue several at once (a broadcast); returns how many were new (duplicates are skipped)."""
        ...

    async def create_batch(self, kind: str, title: str, created_by: int | None = None) -> int:
        """A new batch record (e.g. kind "broadcast" or "cert-reminders"); pass its id as
        OutboxMessage.batch_id to follow the batch's progress."""
        ...

    async def enqueue_fanout(
        self, template: OutboxMessage, recipients: Iterable[tuple[int, int | None, str]]
    ) -> int:
        """`template` to each recipient given as (chat_id, account_id, dedupe_key); the template's own three
        are ignored. The lean path for one message to many people; returns how many were new."""
        ...

    async def batch_progress(self, batch_id: int) -> BatchProgress | None: ...
    async def recent_batches(self, unit_ids: Sequence[int], limit: int) -> Sequence[BatchProgress]:
        """The newest batches with messages to people of these units (retirees, their families, staff),
        newest first, each counting only those people's messages."""
        ...

    async def unreachable_accounts(
        self, unit_ids: Sequence[int], offset: int, limit: int
    ) -> tuple[Sequence[UnreachableAccount], int]:
        """Accounts of retirees of these units and of their families that blocked the bot, by retiree
        name; with how many there are in all."""
        ...


class QuestionRepository(Protocol):
    """Policy questions handed to staff, and the questions the bot could not answer."""

    async def add(
        self,
        asker_account_id: int,
        retiree_id: int | None,
        unit_id: int | None,
        text: str,
        language: str,
        at: datetime,
    ) -> Question: ...
    async def get(self, question_id: int) -> Question | None: ...
    async def answer(self, question_id: int, staff_account_id: int, answer: str, at: datetime) -> bool:
        """Record the answer; False when the question is unknown or was answered already."""
        ...

    async def overdue(self, before: datetime) -> Sequence[Question]:
        """Open questions asked before `before` and not escalated yet."""
        ...

    async def mark_escalated(self, question_id: int, at: datetime) -> None: ...
    async def staff_of(self, unit_id: int, roles: Sequence[StaffRole] = ...) -> Sequence[Account]:
        """Accounts of the unit's staff (only these roles), not of the units below it."""
        ...

    async def log_unanswered(
        self, text: str, language: str, reason: str, confidence: float, at: datetime
    ) -> None:
        """Keep a question the bot could not answer (the caller strips personal data first)."""
        ...

    async def unanswered(self, offset: int, limit: int) -> Sequence[UnansweredQuestion]:
        """Newest first."""
        ...

    async def count_unanswered(self) -> int: ...


class CertificationRepository(Protocol):
    """Certification status per retiree and cycle (no row = pending), and photo/video submissions.
    Set-based where the campaign touches everyone (reminders, suspension): it must scale to millions."""

    async def get(self, retiree_id: int, cycle: str) -> CertificationRecord | None: ...
    async def last_certified(self, retiree_id: int) -> CertificationRecord | None:
        """The most recent certification of any cycle."""
        ...

    async def certify(
        self, retiree_id: int, cycle: str, method: CertMethod, at: datetime, by_account_id: int | None
    ) -> CertStatus:
        """Record the certification; returns the status before (CERTIFIED: nothing changed)."""
        ...

    async def self_report(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        """Pending → self-reported; False when the status was anything else."""
        ...

    async def request_visit(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        """Ask for a home visit (marks the retiree frail on the staff list); False if already asked."""
        ...

    async def retiree_id_bounds(self) -> tuple[int, int] | None:
        """The smallest and largest retiree id, to walk the roster in ranges."""
        ...

    async def find_batch(self, kind: str, title: str) -> int | None:
        """The outbox batch of this kind and title, if one was made (one batch per reminder, however
        often the tick runs)."""
        ...

    async def enqueue_reminders(self, batch: ReminderBatch, first_id: int, last_id: int) -> int:
        """Queue the reminder for every alive retiree in the id range whose status is pending, once per
        bound, reachable retiree account (outbox dedupe key); returns how many were new."""
        ...

    async def family_to_tell(self, cycle: str, after_retiree_id: int, limit: int) -> Sequence[PendingRetiree]:
        """Alive retirees still pending in the cycle, not told yet, with the reachable accounts that look
        after them through a family link (family members, and retirees looking after a spouse); by id."""
        ...

    async def mark_family_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None: ...
    async def rolling_page(self, after_retiree_id: int, limit: int) -> Sequence[RollingRetiree]:
        """Alive retirees by id, with their last certification and their own and family accounts."""
        ...

    async def suspend_pending(self, cycle: str, at: datetime, first_id: int, last_id: int) -> int:
        """Every alive retiree in the range not certified in the cycle becomes suspended; returns how many."""
        ...

    async def suspended_to_tell(
        self, cycle: str, after_retiree_id: int, limit: int
    ) -> Sequence[PendingRetiree]:
        """Suspended retirees not told yet, with their own and their family's accounts; by id."""
        ...

    async def mark_suspension_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None: ...
    async def counts(
        self, cycle: str, unit_ids: Sequence[int], all_pending_to_visit: bool
    ) -> Mapping[CertList, int]:
        """How many retirees of these communities are on each list (deceased ones on none)."""
        ...

    async def listing(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        offset: int,
        limit: int,
    ) -> Sequence[CertListItem]:
        """A page of a list, by community and name. `all_pending_to_visit`: after the staff-task date,
        everyone still pending is to be visited, not only those who asked."""
        ...

    async def listing_after(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        after: CertListItem | None,
        limit: int,
    ) -> Sequence[CertListItem]:
        """The page of `listing` that follows the item `after` (None: the first page): a whole list walked
        page by page (an export) at the same cost per page, where an offset would cost more each page."""
        ...

    async def standings(self, unit_ids: Sequence[int]) -> Sequence[RetireeStanding]:
        """Every living retiree of these communities with all their records, by community and name (the
        staff lists of rolling mode, where each retiree has a cycle of their own)."""
        ...

    async def supervisors(self, unit_kind: UnitKind) -> Sequence[UnitRecipient]:
        """Supervisors (and administrators) of every unit of this kind."""
        ...

    async def staff_accounts(self) -> Sequence[UnitRecipient]:
        """Every staff membership with its account, for the daily digest."""
        ...

    async def certify_by_hashes(
        self, cycle: str, id_hashes: Sequence[str], at: datetime, by_account_id: int | None
    ) -> int:
        """Data-comparison import: certify the retirees with these ID hashes unless already certified
        (set-based: one statement for the lot; a hash may come twice); returns how many changed."""
        ...

    async def add_submission(
        self, retiree_id: int, cycle: str, account_id: int, kind: SubmissionKind, file_id: str, at: datetime
    ) -> Submission: ...
    async def get_submission(self, submission_id: int) -> Submission | None: ...
    async def has_waiting_submission(self, retiree_id: int) -> bool:
        """Whether a photo or video of this retiree waits for staff review."""
        ...

    async def waiting_submissions(self, unit_ids: Sequence[int], limit: int) -> Sequence[Submission]:
        """Submissions waiting for review from retirees of these communities, oldest first."""
        ...

    async def review_submission(
        self,
        submission_id: int,
        approved: bool,
        reason: RejectReason | None,
        by_account_id: int,
        at: datetime,
    ) -> bool:
        """Approve or reject a waiting submission; False when it was reviewed already."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Repositories never commit; `commit()` does, and leaving without it rolls back."""

    units: OrgUnitRepository
    retirees: RetireeRepository
    accounts: AccountRepository
    family: FamilyLinkRepository
    staff: StaffRepository
    conversations: ConversationRepository
    updates: UpdateLog
    login_attempts: LoginAttemptRepository
    audit: AuditLog
    outbox: Outbox
    questions: QuestionRepository
    certification: CertificationRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def open_turn(
        self, update_id: int, now: datetime, user_id: int, chat_id: int, locale: str
    ) -> Turn | None:
        """How every private update starts: claim it (None when it was claimed before, a redelivery), then
        its sender's account (created at first contact, with `locale`) and the chat's conversation state.
        The same as updates.claim, accounts.get_or_create and conversations.load, in one trip where the
        storage can."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
