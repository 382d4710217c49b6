"""Boundaries of the core, as typing.Protocols. Real implementations live at the edge (storage/, handlers/);
tests use fakes of these, never mocks of the core itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bot.actions import Action
from bot.domain.activities import (
    Activity,
    Attendee,
    AudienceCount,
    AudienceSpec,
    MessageRef,
    MyActivity,
    NewActivity,
    Notice,
    NoticeStatus,
    Signup,
    SignupOutcome,
    SignupStatus,
)
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
from bot.domain.claims import Claim, ClaimDocument, ClaimListItem, ClaimStatus, NewReport
from bot.domain.conversation import ConversationState, Turn
from bot.domain.outbox import BatchProgress, OutboxMessage, UnreachableAccount
from bot.domain.people import (
    Account,
    AccountRole,
    FamilyLink,
    OrgUnit,
    Retiree,
    RetireeRecord,
    StaffInvite,
    StaffMembership,
    StaffRole,
    StagedRetiree,
    UnitKind,
    UnitRecord,
    UpsertCounts,
)
from bot.domain.questions import Question, UnansweredQuestion


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


class Limiter(Protocol):
    """Telegram's sending limits as one process keeps to them (scheduler/delivery: SendLimiter alone,
    SharedSendLimiter through Redis with every sender of the bot): the outbox sender and the replies to
    users draw on the same one."""

    pauses: int
    shared: bool  # with the other senders of the bot (through Redis), not this process's alone

    def slot(
        self, chat_id: int, stop: asyncio.Event | None = None, *, reply: bool = False
    ) -> AbstractAsyncContextManager[None]:
        """Held around one sending call. May raise SendingStopped while waiting once `stop` is set.

        `reply`: an answer to a person who just wrote. It goes ahead of the messages waiting for the
        global window (no one waits for a broadcast to end), and its chat's own windows count it
        without holding it back: a person's second message of one answer goes at once (Telegram asks
        bots not to keep up more than one a second in a chat, and bears a short burst), while a
        broadcast message to that chat still keeps its second after the reply."""
        ...

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out until `seconds` from now."""
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
        """Insert or update by id_hash; True when anything changed. The community code must exist. A death
        confirmed by staff (a claim's report confirmed) stays recorded whatever the record says."""
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
    async def set_death_reported(self, retiree_id: int, at: datetime | None) -> None:
        """A death reported (`at`), or the report withdrawn (None): the campaign skips the retiree
        meanwhile."""
        ...

    async def mark_deceased(self, retiree_id: int) -> None:
        """Staff confirmed the death."""
        ...


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

    async def in_flow(self, flow: str, limit: int) -> Sequence[tuple[int, int, ConversationState]]:
        """(chat_id, user_id, state) of up to `limit` chats now in this flow, in no promised order. For
        scans of a rarely used flow (a death report); the filtering by the state's data is the caller's."""
        ...


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

    async def find_batch(self, kind: str, title: str) -> int | None:
        """The outbox batch of this kind and title, if one was made (one batch per reminder, however
        often the tick runs)."""
        ...

    async def enqueue_reminders(self, batch: ReminderBatch, first_id: int, last_id: int) -> int:
        """Queue the reminder for every alive retiree in the id range whose status is pending, once per
        bound, reachable retiree account (outbox dedupe key); returns how many were new."""
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
    async def cancel_batch(self, batch_id: int) -> int:
        """Every message of the batch still waiting (queued, held for quiet hours, or held for a reported
        death) becomes cancelled, in one statement; those being sent at that moment finish. Returns how
        many were cancelled."""
        ...

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

    async def hold_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        """Queued messages to these accounts (the retiree's own) or about the retiree (`about_retiree_id`)
        become held: not sent until released. Set-based; returns how many."""
        ...

    async def release_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        """Held messages to these accounts or about the retiree are queued again; returns how many."""
        ...

    async def cancel_held(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        """Held messages to these accounts or about the retiree are cancelled for good; returns how many."""
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


class ClaimRepository(Protocol):
    """Death reports and death-benefit claims: one claim per retiree, its documents, the staff queue."""

    async def report(self, report: NewReport) -> tuple[Claim, bool]:
        """Open the retiree's claim, or find the one open already: two relatives reporting at once make one
        claim (a conditional insert on the retiree, not a read then a write). A withdrawn report is opened
        again by a new one. True when this call opened it."""
        ...

    async def get(self, claim_id: int) -> Claim | None: ...
    async def for_retiree(self, retiree_id: int) -> Claim | None: ...
    async def confirm(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        """Reported -> confirmed; False when it was not reported (confirmed or withdrawn already)."""
        ...

    async def withdraw(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        """Reported -> withdrawn; False when it was not reported."""
        ...

    async def set_status(
        self,
        claim_id: int,
        status: ClaimStatus,
        at: datetime,
        *,
        only_from: Sequence[ClaimStatus],
        amount: Any = None,
        note: str | None = None,
    ) -> bool:
        """Move the claim to `status` (with the approved amount, a Decimal, or a note) if it is in one of
        `only_from`; False otherwise (someone else acted first, a double press)."""
        ...

    async def set_details(
        self,
        claim_id: int,
        *,
        contributed_months: int | None = None,
        paid_through: str | None = None,
        monthly_pension: Any = None,
        overpayment_settled: bool | None = None,
    ) -> None:
        """Set the values given (not None); the others stay."""
        ...

    async def put_document(self, document: ClaimDocument, account_id: int) -> None:
        """Add or replace the claim's document of this kind (a file, or "not yet")."""
        ...

    async def documents(self, claim_id: int) -> Sequence[ClaimDocument]:
        """The claim's documents, in the order they were first given."""
        ...

    async def listing(
        self,
        unit_ids: Sequence[int],
        statuses: Sequence[ClaimStatus],
        offset: int,
        limit: int,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        newest_first: bool = False,
    ) -> Sequence[ClaimListItem]:
        """Claims of retirees of these communities in these statuses (reported from `since`, before
        `until`), oldest change first (the longest waiting), or with `newest_first` the latest reported
        first."""
        ...

    async def untouched(self, before: datetime, limit: int) -> Sequence[ClaimListItem]:
        """Claims waiting for staff, unchanged since before `before` and not escalated yet."""
        ...

    async def mark_escalated(self, claim_id: int, at: datetime) -> None: ...


class ActivityRepository(Protocol):
    """Activities, their sign-ups and waitlists. A place is taken by one conditional UPDATE of the
    activity's `taken` count (`taken + seats <= capacity`), never by reading the count first: hundreds of
    presses at once confirm exactly `capacity` places, on SQLite and PostgreSQL alike."""

    async def create(self, new: NewActivity, at: datetime) -> Activity: ...
    async def get(self, activity_id: int) -> Activity | None: ...
    async def sign_up(
        self, activity_id: int, account_id: int, companions: int, at: datetime
    ) -> SignupOutcome | None:
        """Confirm a place when one is free and nobody waits before them, else join the waitlist. A second
        press changes nothing (`already`); one after cancelling or declining signs up anew. None when the
        activity is unknown or cancelled."""
        ...

    async def signup_of(self, activity_id: int, account_id: int) -> Signup | None: ...
    async def get_signup(self, signup_id: int) -> Signup | None: ...
    async def withdraw(self, signup_id: int, status: SignupStatus, at: datetime) -> Signup | None:
        """Cancel or decline (`status`): a place it held is freed. Returns the sign-up as it was, None when
        it was already cancelled or declined."""
        ...

    async def offer_next(self, activity_id: int, until: datetime) -> Sequence[Signup]:
        """Offer freed places to the waitlist in order, as long as the next in line fits; each offered
        place is held until `until`. Returns the new offers."""
        ...

    async def accept_offer(self, signup_id: int, now: datetime) -> bool:
        """An offer still open becomes a confirmed place; False when it ran out or is not an offer."""
        ...

    async def expired_offers(self, now: datetime) -> Sequence[Signup]: ...
    async def waitlist_position(self, signup_id: int) -> int | None: ...
    async def set_capacity(self, activity_id: int, capacity: int | None) -> None: ...
    async def reschedule(self, activity_id: int, starts_at: datetime, place: str) -> None: ...
    async def cancel(self, activity_id: int) -> None: ...
    async def attendees(self, activity_id: int, offset: int, limit: int) -> tuple[Sequence[Attendee], int]:
        """Confirmed and offered first (by name), then the waitlist in order; with how many in all."""
        ...

    async def mark_attended(self, signup_id: int, attended: bool) -> bool: ...
    async def for_account(self, account_id: int, after: datetime) -> Sequence[MyActivity]:
        """The account's sign-ups (confirmed, offered, waitlisted) to activities starting after `after`."""
        ...

    async def for_units(self, unit_ids: Sequence[int], after: datetime) -> Sequence[Activity]: ...
    async def starting_between(self, start: datetime, end: datetime) -> Sequence[Activity]: ...
    async def people(
        self, activity_id: int, statuses: Sequence[SignupStatus]
    ) -> Sequence[tuple[int, int, int]]:
        """(signup id, account id, chat id) of the sign-ups in these states."""
        ...


class NoticeRepository(Protocol):
    """Staff notices (a copy of a staff member's message to an audience) and who opted out of them."""

    async def create(
        self, unit_id: int, created_by: int, source: MessageRef, activity_id: int | None, at: datetime
    ) -> Notice: ...
    async def get(self, notice_id: int) -> Notice | None: ...
    async def set_audience(self, notice_id: int, spec: AudienceSpec) -> None: ...
    async def set_status(self, notice_id: int, status: NoticeStatus, batch_id: int | None = None) -> bool:
        """False when the notice is gone."""
        ...

    async def move(self, notice_id: int, before: NoticeStatus, after: NoticeStatus) -> bool:
        """Change the status only from `before` (one press wins); False when it was not `before`."""
        ...

    async def count_audience(self, spec: AudienceSpec, today: date) -> AudienceCount: ...
    async def recipients(self, spec: AudienceSpec, today: date) -> Sequence[tuple[int, int, str]]:
        """(chat id, account id, locale) of every reachable account of the audience that did not opt out."""
        ...

    async def in_state(self, status: NoticeStatus) -> Sequence[Notice]: ...
    async def set_progress_shown(self, notice_id: int, shown: str) -> None: ...
    async def set_progress_message(self, notice_id: int, message_id: int) -> None:
        """The message in the creator's chat that shows the notice's progress (edited as it goes)."""
        ...

    async def set_opt_out(self, account_id: int, opted_out: bool) -> None: ...
    async def opted_out(self, account_id: int) -> bool: ...


class StorageUnavailable(Exception):
    """The database does not answer (down, restarting, out of reach): nothing of the unit of work was
    committed, and the same work may be tried again once it answers. Raised by leaving a unit of work."""


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
    claims: ClaimRepository
    activities: ActivityRepository
    notices: NoticeRepository

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
