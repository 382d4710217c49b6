"""In-memory fakes of every Protocol in bot/ports.py, faithful enough to test the core without I/O.

FakeDatabase holds the committed state. A FakeUnitOfWork works on a deep copy taken when it is entered;
`commit()` publishes that copy, leaving without commit (or `rollback()`) throws it away, as a real
transaction would. Conversation states are stored as JSON text, as the real storage does, so a test can
look at exactly what would be written to disk.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from bot.actions import Action, SendText
from bot.domain.activities import Activity, Notice, Signup
from bot.domain.certification import Submission
from bot.domain.claims import (
    OPEN_FOR_STAFF,
    Claim,
    ClaimDocument,
    ClaimListItem,
    ClaimStatus,
    NewReport,
    ReportStatus,
)
from bot.domain.conversation import ConversationState, Turn
from bot.domain.outbox import BatchProgress, OutboxMessage, OutboxStatus, UnreachableAccount
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
from bot.domain.questions import Question, QuestionStatus, UnansweredQuestion
from bot.ports import (
    AccountRepository,
    ActivityRepository,
    AuditLog,
    CertificationRepository,
    ClaimRepository,
    ConversationRepository,
    FamilyLinkRepository,
    LoginAttemptRepository,
    NoticeRepository,
    OrgUnitRepository,
    Outbox,
    QuestionRepository,
    RetireeRepository,
    StaffRepository,
    UnitOfWork,
    UpdateLog,
)
from tests.fakes_activities import FakeActivities, FakeNotices
from tests.fakes_certification import FakeCampaignReminders, FakeCert, FakeCertification


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class FakeMessenger:
    def __init__(self) -> None:
        self.executed: list[Action] = []
        self._next_id = 1000

    async def execute(self, action: Action) -> int | None:
        self.executed.append(action)
        if isinstance(action, SendText):
            self._next_id += 1
            return self._next_id
        return None


@dataclass
class _Invite:
    unit_id: int
    role: StaffRole
    expires_at: datetime
    used_by: int | None = None


@dataclass
class _State:
    units: dict[int, OrgUnit] = field(default_factory=dict)
    retirees: dict[int, Retiree] = field(default_factory=dict)
    accounts: dict[int, Account] = field(default_factory=dict)
    family: dict[tuple[int, int], FamilyLink] = field(default_factory=dict)
    memberships: list[StaffMembership] = field(default_factory=list)
    invites: dict[str, _Invite] = field(default_factory=dict)
    conversations: dict[tuple[int, int], str] = field(default_factory=dict)
    updates: set[int] = field(default_factory=set)
    update_times: dict[int, datetime] = field(default_factory=dict)
    failures: list[tuple[int, datetime]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)  # by dedupe key, in enqueue order
    outbox_status: dict[str, OutboxStatus] = field(default_factory=dict)  # missing: queued
    outbox_quiet: set[str] = field(default_factory=set)  # queued, but waiting for quiet hours to end
    batches: dict[int, tuple[str, str, datetime]] = field(default_factory=dict)
    questions: dict[int, Question] = field(default_factory=dict)
    unanswered: list[UnansweredQuestion] = field(default_factory=list)
    certifications: dict[tuple[int, str], FakeCert] = field(default_factory=dict)
    submissions: dict[int, Submission] = field(default_factory=dict)
    claims: dict[int, Claim] = field(default_factory=dict)
    claim_documents: dict[tuple[int, str], ClaimDocument] = field(default_factory=dict)
    activities: dict[int, Activity] = field(default_factory=dict)
    signups: dict[int, Signup] = field(default_factory=dict)
    signup_seq: dict[int, int] = field(default_factory=dict)  # waitlist order, by signup id
    notices: dict[int, Notice] = field(default_factory=dict)
    opt_outs: set[int] = field(default_factory=set)
    staged: list[StagedRetiree] = field(default_factory=list)  # a roster import's
    applied: int = 0  # how many of `staged` apply_staged has written
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class FakeDatabase:
    def __init__(self) -> None:
        self.state = _State()
        self.commits = 0

    def uow(self) -> UnitOfWork:
        return FakeUnitOfWork(self)

    # Conveniences for arranging tests; they write committed state directly.
    def add_unit(
        self, code: str, name: str, kind: UnitKind = UnitKind.COMMUNITY, parent: int | None = None
    ) -> OrgUnit:
        unit = OrgUnit(self.state.new_id(), code, name, kind, parent)
        self.state.units[unit.id] = unit
        return unit

    def add_retiree(self, record: RetireeRecord) -> Retiree:
        unit = next(u for u in self.state.units.values() if u.code == record.community_code)
        retiree = _to_retiree(self.state.new_id(), record, unit.id)
        self.state.retirees[retiree.id] = retiree
        return retiree


def _to_retiree(retiree_id: int, record: RetireeRecord, community_id: int) -> Retiree:
    return Retiree(
        id=retiree_id,
        name=record.name,
        id_hash=record.id_hash,
        id_masked=record.id_masked,
        birth_date=record.birth_date,
        retirement_date=record.retirement_date,
        community_id=community_id,
        phone=record.phone,
        lives_elsewhere=record.lives_elsewhere,
        deceased=record.deceased,
    )


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> _State:
        return self._uow.working


class FakeUnits(_Repo):
    async def get(self, unit_id: int) -> OrgUnit | None:
        return self.s.units.get(unit_id)

    async def community_of(self, retiree_id: int) -> OrgUnit | None:
        retiree = self.s.retirees.get(retiree_id)
        return None if retiree is None else self.s.units.get(retiree.community_id)

    async def get_by_code(self, code: str) -> OrgUnit | None:
        return next((u for u in self.s.units.values() if u.code == code), None)

    async def all(self) -> Sequence[OrgUnit]:
        depth = {unit_id: len(await self.ancestors(unit_id)) for unit_id in self.s.units}
        return sorted(self.s.units.values(), key=lambda unit: (depth[unit.id], unit.id))

    async def upsert(self, code: str, name: str, kind: UnitKind, parent_code: str | None) -> bool:
        parent_id = None
        if parent_code is not None:
            parent = await self.get_by_code(parent_code)
            if parent is None:
                raise LookupError(f"unknown parent unit {parent_code}")
            parent_id = parent.id
        existing = await self.get_by_code(code)
        if existing is not None and parent_id in await self.subtree_ids(existing.id):
            # As the database refuses it (storage.errors.UnitCycle): a cycle would never end `ancestors`.
            raise ValueError(f"unit {code!r} cannot move below itself")
        if existing is None:
            unit = OrgUnit(self.s.new_id(), code, name, kind, parent_id)
            self.s.units[unit.id] = unit
            return True
        updated = replace(existing, name=name, kind=kind, parent_id=parent_id)
        self.s.units[existing.id] = updated
        return updated != existing

    async def upsert_many(self, units: Sequence[UnitRecord]) -> UpsertCounts:
        counts = UpsertCounts()
        for unit in units:
            existed = await self.get_by_code(unit.code) is not None
            changed = await self.upsert(unit.code, unit.name, unit.kind, unit.parent_code)
            counts += UpsertCounts(int(not existed), int(existed and changed), int(existed and not changed))
        return counts

    async def ancestors(self, unit_id: int) -> Sequence[OrgUnit]:
        result: list[OrgUnit] = []
        unit = self.s.units.get(unit_id)
        while unit is not None and unit.parent_id is not None:
            unit = self.s.units.get(unit.parent_id)
            if unit is not None:
                result.append(unit)
        return result

    async def subtree_ids(self, unit_id: int) -> Sequence[int]:
        if unit_id not in self.s.units:
            return []
        found = [unit_id]
        for current in found:
            found.extend(u.id for u in self.s.units.values() if u.parent_id == current)
        return found


class FakeRetirees(_Repo):
    async def get(self, retiree_id: int) -> Retiree | None:
        return self.s.retirees.get(retiree_id)

    async def find_by_id_hash(self, id_hash: str) -> Retiree | None:
        return next((r for r in self.s.retirees.values() if r.id_hash == id_hash), None)

    async def upsert(self, record: RetireeRecord) -> bool:
        unit = await FakeUnits(self._uow).get_by_code(record.community_code)
        if unit is None:
            raise LookupError(f"unknown community {record.community_code}")
        existing = await self.find_by_id_hash(record.id_hash)
        retiree = _to_retiree(existing.id if existing else self.s.new_id(), record, unit.id)
        if existing is not None:
            confirmed = any(
                c.retiree_id == existing.id and c.report_status is ReportStatus.CONFIRMED
                for c in self.s.claims.values()
            )
            retiree = replace(
                retiree,
                death_reported=existing.death_reported,
                deceased=retiree.deceased or (existing.deceased and confirmed),
            )
        self.s.retirees[retiree.id] = retiree
        return retiree != existing

    async def count(self) -> int:
        return len(self.s.retirees)

    async def set_death_reported(self, retiree_id: int, at: datetime | None) -> None:
        if retiree_id in self.s.retirees:
            self.s.retirees[retiree_id] = replace(self.s.retirees[retiree_id], death_reported=at is not None)

    async def mark_deceased(self, retiree_id: int) -> None:
        if retiree_id in self.s.retirees:
            self.s.retirees[retiree_id] = replace(self.s.retirees[retiree_id], deceased=True)

    async def stage(self, rows: Sequence[StagedRetiree]) -> None:
        self.s.staged.extend(rows)

    async def apply_staged(self) -> UpsertCounts:
        counts = UpsertCounts()
        pending = self.s.staged[self.s.applied :]
        self.s.applied = len(self.s.staged)
        written: set[str] = set()
        for row in pending:
            if row.record is None or row.id_hash in written:
                continue
            written.add(row.id_hash)
            existed = await self.find_by_id_hash(row.id_hash) is not None
            changed = await self.upsert(row.record)
            counts += UpsertCounts(int(not existed), int(existed and changed), int(existed and not changed))
        return counts

    async def staged_duplicates(self) -> Sequence[tuple[int, int]]:
        first: dict[str, int] = {}
        found = []
        for row in sorted(self.s.staged, key=lambda row: row.line):
            line = first.setdefault(row.id_hash, row.line)
            if line != row.line:
                found.append((row.line, line))
        self.s.staged, self.s.applied = [], 0
        return found


class FakeAccounts(_Repo):
    async def get(self, account_id: int) -> Account | None:
        return self.s.accounts.get(account_id)

    async def get_by_telegram_user(self, telegram_user_id: int) -> Account | None:
        return next((a for a in self.s.accounts.values() if a.telegram_user_id == telegram_user_id), None)

    async def get_or_create(self, telegram_user_id: int, chat_id: int, locale: str) -> Account:
        existing = await self.get_by_telegram_user(telegram_user_id)
        if existing is not None:
            if existing.chat_id != chat_id:  # the user now writes from another chat: replies go there
                existing = self.s.accounts[existing.id] = replace(existing, chat_id=chat_id)
            return existing
        account = Account(self.s.new_id(), telegram_user_id, chat_id, locale, AccountRole.NEW, None)
        self.s.accounts[account.id] = account
        return account

    async def set_locale(self, account_id: int, locale: str) -> None:
        self.s.accounts[account_id] = replace(self.s.accounts[account_id], locale=locale)

    async def set_role(self, account_id: int, role: AccountRole, retiree_id: int | None = None) -> None:
        self.s.accounts[account_id] = replace(self.s.accounts[account_id], role=role, retiree_id=retiree_id)

    async def for_retiree(self, retiree_id: int) -> Sequence[Account]:
        return [
            a
            for a in self.s.accounts.values()
            if a.retiree_id == retiree_id and a.role is AccountRole.RETIREE
        ]

    async def set_unreachable(self, account_id: int, unreachable: bool = True) -> None:
        self.s.accounts[account_id] = replace(self.s.accounts[account_id], unreachable=unreachable)


class FakeFamily(_Repo):
    async def link(self, account_id: int, retiree_id: int, relation: str) -> None:
        self.s.family[(account_id, retiree_id)] = FamilyLink(account_id, retiree_id, relation)

    async def for_account(self, account_id: int) -> Sequence[FamilyLink]:
        return [link for (acc, _), link in self.s.family.items() if acc == account_id]

    async def for_retiree(self, retiree_id: int) -> Sequence[FamilyLink]:
        return [link for (_, ret), link in self.s.family.items() if ret == retiree_id]

    async def remove_for_account(self, account_id: int) -> None:
        self.s.family = {key: link for key, link in self.s.family.items() if key[0] != account_id}


class FakeStaff(_Repo):
    async def add_membership(self, account_id: int, unit_id: int, role: StaffRole) -> None:
        membership = StaffMembership(account_id, unit_id, role)
        for n, m in enumerate(self.s.memberships):
            if (m.account_id, m.unit_id) == (account_id, unit_id):
                self.s.memberships[n] = membership  # a new role: the membership keeps its place
                return
        self.s.memberships.append(membership)

    async def memberships(self, account_id: int) -> Sequence[StaffMembership]:
        return [m for m in self.s.memberships if m.account_id == account_id]

    async def create_invite(
        self, token_hash: str, unit_id: int, role: StaffRole, expires_at: datetime
    ) -> None:
        if token_hash in self.s.invites:
            raise ValueError("duplicate invite")
        self.s.invites[token_hash] = _Invite(unit_id, role, expires_at)

    async def redeem_invite(self, token_hash: str, account_id: int, now: datetime) -> StaffInvite | None:
        invite = self.s.invites.get(token_hash)
        if invite is None or invite.used_by is not None or invite.expires_at <= now:
            return None
        invite.used_by = account_id
        return StaffInvite(invite.unit_id, invite.role, invite.expires_at)


class FakeConversations(_Repo):
    async def load(self, chat_id: int, user_id: int) -> ConversationState | None:
        raw = self.s.conversations.get((chat_id, user_id))
        if raw is None:
            return None
        data = json.loads(raw)
        return ConversationState(data["flow"], data["step"], data["data"])

    async def save(self, chat_id: int, user_id: int, state: ConversationState) -> None:
        # json.dumps fails loudly on anything the real storage could not write either.
        self.s.conversations[(chat_id, user_id)] = json.dumps(
            {"flow": state.flow, "step": state.step, "data": state.data}, ensure_ascii=False
        )

    async def clear(self, chat_id: int, user_id: int) -> None:
        self.s.conversations.pop((chat_id, user_id), None)

    async def in_flow(self, flow: str, limit: int) -> list[tuple[int, int, ConversationState]]:
        found = []
        for (chat_id, user_id), raw in self.s.conversations.items():
            data = json.loads(raw)
            if data["flow"] == flow:
                found.append((chat_id, user_id, ConversationState(data["flow"], data["step"], data["data"])))
        return found[:limit]


class FakeUpdates(_Repo):
    async def claim(self, update_id: int, now: datetime) -> bool:
        if update_id in self.s.updates:
            return False
        self.s.updates.add(update_id)
        self.s.update_times[update_id] = now
        return True

    async def prune(self, before: datetime) -> int:
        old = [u for u, at in self.s.update_times.items() if at < before]
        for update_id in old:
            self.s.updates.discard(update_id)
            del self.s.update_times[update_id]
        return len(old)


class FakeLoginAttempts(_Repo):
    async def record_failure(self, account_id: int, at: datetime) -> None:
        self.s.failures.append((account_id, at))

    async def failures_since(self, account_id: int, since: datetime) -> int:
        return sum(1 for acc, at in self.s.failures if acc == account_id and at >= since)

    async def prune(self, before: datetime) -> int:
        kept = [(acc, at) for acc, at in self.s.failures if at >= before]
        pruned = len(self.s.failures) - len(kept)
        self.s.failures = kept
        return pruned


class FakeAudit(_Repo):
    async def record(
        self, actor_account_id: int | None, action: str, target: str, details: dict[str, Any], at: datetime
    ) -> None:
        self.s.audit.append(
            {"actor": actor_account_id, "action": action, "target": target, "details": details, "at": at}
        )


class FakeOutbox(_Repo, FakeCampaignReminders):
    """Queued messages are kept as given (`FakeDatabase.state.outbox`); nothing is ever sent: a test sets
    what became of a message in `state.outbox_status` (by dedupe key; missing = queued), and puts the key
    of a queued one waiting for the recipient's quiet hours in `state.outbox_quiet`."""

    async def enqueue(self, message: OutboxMessage) -> bool:
        if message.dedupe_key in self.s.outbox:
            return False
        self.s.outbox[message.dedupe_key] = message
        return True

    async def enqueue_many(self, messages: Sequence[OutboxMessage]) -> int:
        return sum([await self.enqueue(m) for m in messages])

    async def enqueue_fanout(
        self, template: OutboxMessage, recipients: Iterable[tuple[int, int | None, str]]
    ) -> int:
        return await self.enqueue_many(
            [replace(template, chat_id=c, account_id=a, dedupe_key=k) for c, a, k in recipients]
        )

    async def create_batch(self, kind: str, title: str, created_by: int | None = None) -> int:
        batch_id = self.s.new_id()
        self.s.batches[batch_id] = (kind, title, datetime(2025, 3, 1, tzinfo=UTC))
        return batch_id

    async def batch_progress(self, batch_id: int) -> BatchProgress | None:
        if batch_id not in self.s.batches:
            return None
        return self._progress(batch_id, list(self.s.outbox.values()))

    def _progress(self, batch_id: int, messages: Sequence[OutboxMessage]) -> BatchProgress:
        kind, title, created_at = self.s.batches[batch_id]
        tally: dict[str, int] = {}
        for m in messages:
            if m.batch_id == batch_id:
                status = self.s.outbox_status.get(m.dedupe_key, OutboxStatus.QUEUED).value
                if status == OutboxStatus.QUEUED and m.dedupe_key in self.s.outbox_quiet:
                    status = "waiting_quiet_hours"
                tally[status] = tally.get(status, 0) + 1
        return BatchProgress(
            batch_id,
            kind,
            title,
            created_at,
            queued=tally.get("queued", 0),
            sending=tally.get("sending", 0),
            sent=tally.get("sent", 0),
            failed=tally.get("failed", 0),
            unreachable=tally.get("unreachable", 0),
            waiting_quiet_hours=tally.get("waiting_quiet_hours", 0),
            cancelled=tally.get("cancelled", 0),
            held=tally.get("held", 0),
        )

    async def cancel_batch(self, batch_id: int) -> int:
        waiting = [
            m.dedupe_key
            for m in self.s.outbox.values()
            if m.batch_id == batch_id
            and self.s.outbox_status.get(m.dedupe_key, OutboxStatus.QUEUED)
            in (OutboxStatus.QUEUED, OutboxStatus.HELD)
        ]
        for key in waiting:  # waiting for quiet hours too: they are queued all the same
            self.s.outbox_status[key] = OutboxStatus.CANCELLED
            self.s.outbox_quiet.discard(key)
        return len(waiting)

    def _people(self, unit_ids: Sequence[int]) -> set[int]:
        retirees = {r.id for r in self.s.retirees.values() if r.community_id in unit_ids}
        own = {a.id for a in self.s.accounts.values() if a.retiree_id in retirees}
        family = {acc for (acc, ret) in self.s.family if ret in retirees}
        staff = {m.account_id for m in self.s.memberships if m.unit_id in unit_ids}
        return own | family | staff

    async def recent_batches(self, unit_ids: Sequence[int], limit: int) -> Sequence[BatchProgress]:
        people = self._people(unit_ids)
        mine = [m for m in self.s.outbox.values() if m.account_id in people]
        batches = sorted({m.batch_id for m in mine if m.batch_id is not None}, reverse=True)
        return [self._progress(b, mine) for b in batches[:limit]]

    async def unreachable_accounts(
        self, unit_ids: Sequence[int], offset: int, limit: int
    ) -> tuple[Sequence[UnreachableAccount], int]:
        found = []
        for retiree in self.s.retirees.values():
            if retiree.community_id not in unit_ids:
                continue
            accounts = [(a.id, False) for a in self.s.accounts.values() if a.retiree_id == retiree.id]
            accounts += [(acc, True) for (acc, ret) in self.s.family if ret == retiree.id]
            for account_id, family in accounts:
                if self.s.accounts[account_id].unreachable:
                    found.append(
                        UnreachableAccount(
                            account_id,
                            retiree.id,
                            retiree.name,
                            retiree.id_masked,
                            retiree.phone,
                            family,
                        )
                    )
        found.sort(key=lambda u: (u.retiree_name, u.retiree_id, u.family, u.account_id))
        return found[offset : offset + limit], len(found)

    def _move(
        self, retiree_id: int, account_ids: Sequence[int], before: OutboxStatus, after: OutboxStatus
    ) -> int:
        moved = 0
        for key, message in self.s.outbox.items():
            whose = message.about_retiree_id == retiree_id or message.account_id in account_ids
            if whose and self.s.outbox_status.get(key, OutboxStatus.QUEUED) is before:
                if after is OutboxStatus.QUEUED:
                    self.s.outbox_status.pop(key, None)
                else:
                    self.s.outbox_status[key] = after
                moved += 1
        return moved

    async def hold_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return self._move(retiree_id, account_ids, OutboxStatus.QUEUED, OutboxStatus.HELD)

    async def release_about(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return self._move(retiree_id, account_ids, OutboxStatus.HELD, OutboxStatus.QUEUED)

    async def cancel_held(self, retiree_id: int, account_ids: Sequence[int]) -> int:
        return self._move(retiree_id, account_ids, OutboxStatus.HELD, OutboxStatus.CANCELLED)


class FakeQuestions(_Repo):
    async def add(
        self,
        asker_account_id: int,
        retiree_id: int | None,
        unit_id: int | None,
        text: str,
        language: str,
        at: datetime,
    ) -> Question:
        question = Question(
            self.s.new_id(), asker_account_id, retiree_id, unit_id, text, language, QuestionStatus.OPEN, at
        )
        self.s.questions[question.id] = question
        return question

    async def get(self, question_id: int) -> Question | None:
        return self.s.questions.get(question_id)

    async def answer(self, question_id: int, staff_account_id: int, answer: str, at: datetime) -> bool:
        question = self.s.questions.get(question_id)
        if question is None or question.status is not QuestionStatus.OPEN:
            return False
        self.s.questions[question_id] = replace(
            question,
            status=QuestionStatus.ANSWERED,
            answered_at=at,
            answered_by_account_id=staff_account_id,
            answer=answer,
        )
        return True

    async def overdue(self, before: datetime) -> Sequence[Question]:
        return [
            q
            for q in self.s.questions.values()
            if q.status is QuestionStatus.OPEN and q.created_at < before and q.escalated_at is None
        ]

    async def mark_escalated(self, question_id: int, at: datetime) -> None:
        question = self.s.questions.get(question_id)
        if question is not None:  # an unknown question: nothing happens, as in the database
            self.s.questions[question_id] = replace(question, escalated_at=at)

    async def staff_of(
        self, unit_id: int, roles: Sequence[StaffRole] = tuple(StaffRole)
    ) -> Sequence[Account]:
        ids = [m.account_id for m in self.s.memberships if m.unit_id == unit_id and m.role in roles]
        return [self.s.accounts[i] for i in sorted(ids) if i in self.s.accounts]

    async def log_unanswered(
        self, text: str, language: str, reason: str, confidence: float, at: datetime
    ) -> None:
        self.s.unanswered.append(UnansweredQuestion(self.s.new_id(), text, language, reason, confidence, at))

    async def unanswered(self, offset: int, limit: int) -> Sequence[UnansweredQuestion]:
        newest = sorted(self.s.unanswered, key=lambda u: (u.at, u.id), reverse=True)
        return newest[offset : offset + limit]

    async def count_unanswered(self) -> int:
        return len(self.s.unanswered)


class FakeClaims(_Repo):
    async def report(self, report: NewReport) -> tuple[Claim, bool]:
        existing = await self.for_retiree(report.retiree_id)
        if existing is not None and existing.report_status is not ReportStatus.WITHDRAWN:
            return existing, False
        claim = Claim(
            id=existing.id if existing else self.s.new_id(),
            retiree_id=report.retiree_id,
            reference=existing.reference if existing else report.reference,
            report_status=ReportStatus.REPORTED,
            status=ClaimStatus.GATHERING,
            died_on=report.died_on,
            reported_by_account_id=report.account_id,
            reported_at=report.at,
            applicant_relation=report.relation,
            applicant_phone=report.phone,
            applicant_is_recipient=report.is_recipient,
            contributed_months=existing.contributed_months if existing else None,
            paid_through=existing.paid_through if existing else None,
            monthly_pension=existing.monthly_pension if existing else None,
            overpayment_settled=existing.overpayment_settled if existing else False,
            updated_at=report.at,
        )
        self.s.claims[claim.id] = claim
        return claim, True

    async def get(self, claim_id: int) -> Claim | None:
        return self.s.claims.get(claim_id)

    async def for_retiree(self, retiree_id: int) -> Claim | None:
        return next((c for c in self.s.claims.values() if c.retiree_id == retiree_id), None)

    def _move_report(self, claim_id: int, to: ReportStatus, at: datetime, **values: Any) -> bool:
        claim = self.s.claims.get(claim_id)
        if claim is None or claim.report_status is not ReportStatus.REPORTED:
            return False
        self.s.claims[claim_id] = replace(claim, report_status=to, updated_at=at, **values)
        return True

    async def confirm(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        return self._move_report(
            claim_id, ReportStatus.CONFIRMED, at, confirmed_by_account_id=by_account_id, confirmed_at=at
        )

    async def withdraw(self, claim_id: int, by_account_id: int, at: datetime) -> bool:
        return self._move_report(claim_id, ReportStatus.WITHDRAWN, at)

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
        claim = self.s.claims.get(claim_id)
        if claim is None or claim.status not in only_from:
            return False
        changed = replace(claim, status=status, updated_at=at, note=note, escalated_at=None)
        if amount is not None:
            changed = replace(changed, amount=amount)
        if status is ClaimStatus.SUBMITTED:
            changed = replace(changed, submitted_at=at)
        self.s.claims[claim_id] = changed
        return True

    async def set_details(
        self,
        claim_id: int,
        *,
        contributed_months: int | None = None,
        paid_through: str | None = None,
        monthly_pension: Any = None,
        overpayment_settled: bool | None = None,
    ) -> None:
        given = {
            "contributed_months": contributed_months,
            "paid_through": paid_through,
            "monthly_pension": monthly_pension,
            "overpayment_settled": overpayment_settled,
        }
        claim = self.s.claims.get(claim_id)
        if claim is not None:
            self.s.claims[claim_id] = replace(claim, **{k: v for k, v in given.items() if v is not None})

    async def put_document(self, document: ClaimDocument, account_id: int) -> None:
        self.s.claim_documents[(document.claim_id, document.kind)] = document

    async def documents(self, claim_id: int) -> Sequence[ClaimDocument]:
        return [d for (cid, _), d in self.s.claim_documents.items() if cid == claim_id]

    def _item(self, claim: Claim) -> ClaimListItem:
        retiree = self.s.retirees[claim.retiree_id]
        return ClaimListItem(claim, retiree.name, retiree.id_masked, retiree.community_id)

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
        found = [
            self._item(c)
            for c in self.s.claims.values()
            if c.status in statuses
            and self.s.retirees[c.retiree_id].community_id in unit_ids
            and (since is None or c.reported_at >= since)
            and (until is None or c.reported_at < until)
        ]
        if newest_first:
            found.sort(key=lambda i: (i.claim.reported_at, i.claim.id), reverse=True)
        else:
            found.sort(key=lambda i: (i.claim.updated_at or i.claim.reported_at, i.claim.id))
        return found[offset : offset + limit]

    async def untouched(self, before: datetime, limit: int) -> Sequence[ClaimListItem]:
        found = [
            self._item(c)
            for c in self.s.claims.values()
            if c.status in OPEN_FOR_STAFF
            and (c.updated_at or c.reported_at) < before
            and c.escalated_at is None
        ]
        found.sort(key=lambda i: (i.claim.updated_at or i.claim.reported_at, i.claim.id))
        return found[:limit]

    async def mark_escalated(self, claim_id: int, at: datetime) -> None:
        claim = self.s.claims.get(claim_id)
        if claim is not None:
            self.s.claims[claim_id] = replace(claim, escalated_at=at)


class FakeUnitOfWork:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db
        self.working = _State()
        self.units: OrgUnitRepository = FakeUnits(self)
        self.retirees: RetireeRepository = FakeRetirees(self)
        self.accounts: AccountRepository = FakeAccounts(self)
        self.family: FamilyLinkRepository = FakeFamily(self)
        self.staff: StaffRepository = FakeStaff(self)
        self.conversations: ConversationRepository = FakeConversations(self)
        self.updates: UpdateLog = FakeUpdates(self)
        self.login_attempts: LoginAttemptRepository = FakeLoginAttempts(self)
        self.audit: AuditLog = FakeAudit(self)
        self.outbox: Outbox = FakeOutbox(self)
        self.questions: QuestionRepository = FakeQuestions(self)
        self.certification: CertificationRepository = FakeCertification(self)
        self.claims: ClaimRepository = FakeClaims(self)
        self.activities: ActivityRepository = FakeActivities(self)
        self.notices: NoticeRepository = FakeNotices(self)

    async def __aenter__(self) -> Self:
        self.working = copy.deepcopy(self._db.state)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._db.state = self.working
        self._db.commits += 1
        # Later work in the same unit starts from what was just committed, not from a shared object.
        self.working = copy.deepcopy(self.working)

    async def rollback(self) -> None:
        self.working = copy.deepcopy(self._db.state)

    async def open_turn(
        self, update_id: int, now: datetime, user_id: int, chat_id: int, locale: str
    ) -> Turn | None:
        if not await self.updates.claim(update_id, now):
            return None
        account = await self.accounts.get_or_create(user_id, chat_id, locale)
        return Turn(account, await self.conversations.load(chat_id, user_id))
