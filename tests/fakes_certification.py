"""In-memory fake of bot.ports.CertificationRepository (used by tests.fakes.FakeUnitOfWork)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.domain.certification import (
    CertificationRecord,
    CertList,
    CertListItem,
    CertMethod,
    CertStatus,
    PendingRetiree,
    Recipient,
    RejectReason,
    ReminderBatch,
    RetireeStanding,
    RollingRetiree,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    UnitRecipient,
)
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import AccountRole, Retiree, StaffRole, UnitKind

if TYPE_CHECKING:
    from tests.fakes import FakeUnitOfWork, _State


@dataclass
class FakeCert:
    record: CertificationRecord
    family_told_at: datetime | None = None
    suspension_told_at: datetime | None = None


def alive_in(state: Any, first_id: int, last_id: int) -> list[Retiree]:
    """The retirees the campaign speaks to in an id range, by id."""
    return sorted(
        (r for r in state.retirees.values() if first_id <= r.id <= last_id and r.in_campaign),
        key=lambda r: r.id,
    )


def status_of(state: Any, retiree_id: int, cycle: str) -> CertStatus:
    found = state.certifications.get((retiree_id, cycle))
    return found.record.status if found else CertStatus.PENDING


class FakeCampaignReminders:
    """The outbox fake's part that queues the campaign's reminders (SqlOutbox.enqueue_reminders)."""

    s: Any

    async def find_batch(self, kind: str, title: str) -> int | None:
        found = [bid for bid, (k, name, _) in self.s.batches.items() if (k, name) == (kind, title)]
        return min(found) if found else None

    async def enqueue_reminders(self, batch: ReminderBatch, first_id: int, last_id: int) -> int:
        locales = {locale for locale, _ in batch.contexts}
        added = 0
        for retiree in alive_in(self.s, first_id, last_id):
            if status_of(self.s, retiree.id, batch.cycle) is not CertStatus.PENDING:
                continue
            for account in sorted(self.s.accounts.values(), key=lambda a: a.id):
                if account.retiree_id != retiree.id or account.role is not AccountRole.RETIREE:
                    continue
                if account.unreachable:
                    continue
                locale = account.locale if account.locale in locales else batch.default_locale
                context = batch.contexts.get((locale, retiree.lives_elsewhere))
                if context is None:
                    continue
                key = batch.dedupe_key(retiree.id, account.id)
                if key in self.s.outbox:
                    continue
                self.s.outbox[key] = OutboxMessage(
                    chat_id=account.chat_id,
                    category=MessageCategory.REMINDER,
                    dedupe_key=key,
                    account_id=account.id,
                    template=batch.template,
                    context=dict(context),
                    keyboard=batch.keyboards.get(locale),
                    locale=locale,
                    batch_id=batch.batch_id,
                    time_zone=batch.time_zone,
                )
                added += 1
        return added


class FakeCertification:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> _State:
        return self._uow.working

    def _cert(self, retiree_id: int, cycle: str) -> FakeCert:
        found = self.s.certifications.get((retiree_id, cycle))
        if found is None:
            found = FakeCert(CertificationRecord(retiree_id, cycle, CertStatus.PENDING))
            self.s.certifications[(retiree_id, cycle)] = found
        return found

    def _status(self, retiree_id: int, cycle: str) -> CertStatus:
        return status_of(self.s, retiree_id, cycle)

    async def get(self, retiree_id: int, cycle: str) -> CertificationRecord | None:
        found = self.s.certifications.get((retiree_id, cycle))
        return found.record if found else None

    async def last_certified(self, retiree_id: int) -> CertificationRecord | None:
        certified = [
            (c.record.certified_at, c.record)
            for (rid, _), c in self.s.certifications.items()
            if rid == retiree_id and c.record.status is CertStatus.CERTIFIED and c.record.certified_at
        ]
        return max(certified, key=lambda pair: pair[0])[1] if certified else None

    async def certify(
        self, retiree_id: int, cycle: str, method: CertMethod, at: datetime, by_account_id: int | None
    ) -> CertStatus:
        cert = self._cert(retiree_id, cycle)
        before = cert.record.status
        if before is CertStatus.CERTIFIED:
            return before
        cert.record = replace(
            cert.record,
            status=CertStatus.CERTIFIED,
            method=method,
            certified_at=at,
            restored_at=at if before is CertStatus.SUSPENDED else cert.record.restored_at,
        )
        return before

    async def self_report(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        if self._status(retiree_id, cycle) is not CertStatus.PENDING:
            return False
        cert = self._cert(retiree_id, cycle)
        cert.record = replace(cert.record, status=CertStatus.SELF_REPORTED, self_reported_at=at)
        return True

    async def request_visit(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        cert = self._cert(retiree_id, cycle)
        if cert.record.visit_requested_at is not None:
            return False
        cert.record = replace(cert.record, visit_requested_at=at)
        return True

    async def retiree_id_bounds(self) -> tuple[int, int] | None:
        ids = list(self.s.retirees)
        return (min(ids), max(ids)) if ids else None

    def _alive_in(self, first_id: int, last_id: int) -> list[Retiree]:
        return alive_in(self.s, first_id, last_id)

    def _recipients(self, retiree_id: int, *, family: bool) -> tuple[Recipient, ...]:
        found = []
        if family:
            for (account_id, rid), _ in sorted(self.s.family.items()):
                account = self.s.accounts.get(account_id)
                if rid == retiree_id and account and account.is_retiree_or_family and not account.unreachable:
                    found.append(Recipient(account.id, account.chat_id, account.locale))
        else:
            for account in sorted(self.s.accounts.values(), key=lambda a: a.id):
                if (
                    account.retiree_id == retiree_id
                    and account.role is AccountRole.RETIREE
                    and not account.unreachable
                ):
                    found.append(Recipient(account.id, account.chat_id, account.locale))
        return tuple(found)

    def _pending(self, retiree: Retiree, *, own: bool) -> PendingRetiree:
        return PendingRetiree(
            retiree.id,
            retiree.name,
            retiree.community_id,
            retiree.lives_elsewhere,
            self._recipients(retiree.id, family=True),
            self._recipients(retiree.id, family=False) if own else (),
        )

    async def family_to_tell(self, cycle: str, after_retiree_id: int, limit: int) -> Sequence[PendingRetiree]:
        found = []
        for retiree in self._alive_in(after_retiree_id + 1, 2**62):
            cert = self.s.certifications.get((retiree.id, cycle))
            if self._status(retiree.id, cycle) is not CertStatus.PENDING or (cert and cert.family_told_at):
                continue
            pending = self._pending(retiree, own=False)
            if pending.family:
                found.append(pending)
            if len(found) == limit:
                break
        return found

    async def rolling_page(self, after_retiree_id: int, limit: int) -> Sequence[RollingRetiree]:
        found = []
        for retiree in self._alive_in(after_retiree_id + 1, 2**62)[:limit]:
            last = await self.last_certified(retiree.id)
            found.append(
                RollingRetiree(
                    retiree.id,
                    retiree.name,
                    retiree.birth_date,
                    retiree.lives_elsewhere,
                    last.certified_at if last else None,
                    self._recipients(retiree.id, family=False),
                    self._recipients(retiree.id, family=True),
                )
            )
        return found

    async def mark_family_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        for rid in retiree_ids:
            self._cert(rid, cycle).family_told_at = at

    async def suspend_pending(self, cycle: str, at: datetime, first_id: int, last_id: int) -> int:
        count = 0
        for retiree in self._alive_in(first_id, last_id):
            if self._status(retiree.id, cycle) in (CertStatus.PENDING, CertStatus.SELF_REPORTED):
                cert = self._cert(retiree.id, cycle)
                cert.record = replace(cert.record, status=CertStatus.SUSPENDED, suspended_at=at)
                count += 1
        return count

    async def suspended_to_tell(
        self, cycle: str, after_retiree_id: int, limit: int
    ) -> Sequence[PendingRetiree]:
        found = []
        for retiree in self._alive_in(after_retiree_id + 1, 2**62):
            cert = self.s.certifications.get((retiree.id, cycle))
            if cert and cert.record.status is CertStatus.SUSPENDED and cert.suspension_told_at is None:
                found.append(self._pending(retiree, own=True))
            if len(found) == limit:
                break
        return found

    async def mark_suspension_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        for rid in retiree_ids:
            self._cert(rid, cycle).suspension_told_at = at

    def _items(self, cycle: str, unit_ids: Sequence[int]) -> list[CertListItem]:
        items = []
        for retiree in self.s.retirees.values():
            if not retiree.in_campaign or retiree.community_id not in unit_ids:
                continue
            cert = self.s.certifications.get((retiree.id, cycle))
            record = cert.record if cert else CertificationRecord(retiree.id, cycle, CertStatus.PENDING)
            items.append(
                CertListItem(
                    retiree.id,
                    retiree.name,
                    retiree.id_masked,
                    retiree.community_id,
                    record.status,
                    retiree.lives_elsewhere,
                    record.visit_requested_at is not None,
                    record.certified_at,
                    record.method,
                )
            )
        return sorted(items, key=lambda i: (i.community_id, i.name, i.retiree_id))

    @staticmethod
    def _on(item: CertListItem, which: CertList, all_pending_to_visit: bool) -> bool:
        if which is CertList.TO_VISIT:
            return item.status is CertStatus.PENDING and (all_pending_to_visit or item.visit_requested)
        return item.status.value == which.value

    async def counts(
        self, cycle: str, unit_ids: Sequence[int], all_pending_to_visit: bool
    ) -> Mapping[CertList, int]:
        items = self._items(cycle, unit_ids)
        return {w: sum(1 for i in items if self._on(i, w, all_pending_to_visit)) for w in CertList}

    async def listing(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        offset: int,
        limit: int,
    ) -> Sequence[CertListItem]:
        items = [i for i in self._items(cycle, unit_ids) if self._on(i, which, all_pending_to_visit)]
        return items[offset : offset + limit]

    async def listing_after(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        after: CertListItem | None,
        limit: int,
    ) -> Sequence[CertListItem]:
        items = [i for i in self._items(cycle, unit_ids) if self._on(i, which, all_pending_to_visit)]
        if after is not None:
            key = (after.community_id, after.name, after.retiree_id)
            items = [i for i in items if (i.community_id, i.name, i.retiree_id) > key]
        return items[:limit]

    async def standings(self, unit_ids: Sequence[int]) -> Sequence[RetireeStanding]:
        found = [
            RetireeStanding(
                retiree.id,
                retiree.name,
                retiree.id_masked,
                retiree.community_id,
                retiree.birth_date,
                retiree.lives_elsewhere,
                tuple(
                    cert.record
                    for (rid, _), cert in sorted(self.s.certifications.items())
                    if rid == retiree.id
                ),
            )
            for retiree in self.s.retirees.values()
            if retiree.in_campaign and retiree.community_id in unit_ids
        ]
        return sorted(found, key=lambda s: (s.community_id, s.name, s.retiree_id))

    def _memberships(self, kind: UnitKind | None, roles: Sequence[StaffRole]) -> list[UnitRecipient]:
        found = []
        for m in self.s.memberships:
            account = self.s.accounts.get(m.account_id)
            unit = self.s.units.get(m.unit_id)
            if account is None or unit is None or account.unreachable or m.role not in roles:
                continue
            if kind is None or unit.kind is kind:
                found.append(UnitRecipient(account.id, account.chat_id, account.locale, unit.id))
        return sorted(found, key=lambda r: (r.unit_id, r.account_id))

    async def supervisors(self, unit_kind: UnitKind) -> Sequence[UnitRecipient]:
        return self._memberships(unit_kind, (StaffRole.SUPERVISOR, StaffRole.ADMIN))

    async def staff_accounts(self) -> Sequence[UnitRecipient]:
        return self._memberships(None, tuple(StaffRole))

    async def certify_by_hashes(
        self, cycle: str, id_hashes: Sequence[str], at: datetime, by_account_id: int | None
    ) -> int:
        wanted = set(id_hashes)
        changed = 0
        for retiree in sorted(self.s.retirees.values(), key=lambda r: r.id):
            if retiree.id_hash in wanted and self._status(retiree.id, cycle) is not CertStatus.CERTIFIED:
                await self.certify(retiree.id, cycle, CertMethod.DATA_COMPARISON, at, by_account_id)
                changed += 1
        return changed

    async def add_submission(
        self, retiree_id: int, cycle: str, account_id: int, kind: SubmissionKind, file_id: str, at: datetime
    ) -> Submission:
        submission = Submission(
            self.s.new_id(), retiree_id, cycle, account_id, kind, file_id, SubmissionStatus.WAITING, at
        )
        self.s.submissions[submission.id] = submission
        return submission

    async def get_submission(self, submission_id: int) -> Submission | None:
        return self.s.submissions.get(submission_id)

    async def has_waiting_submission(self, retiree_id: int) -> bool:
        return any(
            s.retiree_id == retiree_id and s.status is SubmissionStatus.WAITING
            for s in self.s.submissions.values()
        )

    async def waiting_submissions(self, unit_ids: Sequence[int], limit: int) -> Sequence[Submission]:
        waiting = [
            s
            for s in sorted(self.s.submissions.values(), key=lambda s: s.id)
            if s.status is SubmissionStatus.WAITING and self.s.retirees[s.retiree_id].community_id in unit_ids
        ]
        return waiting[:limit]

    async def review_submission(
        self,
        submission_id: int,
        approved: bool,
        reason: RejectReason | None,
        by_account_id: int,
        at: datetime,
    ) -> bool:
        submission = self.s.submissions.get(submission_id)
        if submission is None or submission.status is not SubmissionStatus.WAITING:
            return False
        self.s.submissions[submission_id] = replace(
            submission,
            status=SubmissionStatus.APPROVED if approved else SubmissionStatus.REJECTED,
            reason=reason,
            reviewed_by=by_account_id,
            reviewed_at=at,
        )
        return True
