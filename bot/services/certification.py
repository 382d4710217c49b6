"""Certification as the retiree, their family and staff do it: status, photos, self-reports, home-visit
requests, staff reviews and records, the data-comparison import. Every staff action goes to the audit log;
every notice goes through the outbox, in the same unit of work as the change that causes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.certification import (
    CertificationRecord,
    CertMethod,
    CertStatus,
    RejectReason,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from bot.domain.certification_calendar import CertificationCalendar, Cycle, Mode
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import Account, AccountRole, Retiree
from bot.i18n import I18n
from bot.ports import UnitOfWork
from bot.services.certification_messages import CertificationTexts


class NotAllowed(Exception):
    """The staff member's units do not include this retiree."""


@dataclass(frozen=True, slots=True)
class StatusView:
    """What "my certification status" says, in plain words."""

    retiree: Retiree
    cycle: Cycle
    status: CertStatus
    certified_on: date | None
    next_due: date
    restored: bool
    waiting_photo: bool
    visit_requested: bool
    # Today is after the window's last day / on or after the suspension date (said to someone pending).
    late: bool = False
    past_suspension: bool = False
    # Campaign mode, on or after the suspension date: this year's campaign is over and the next one's window
    # (opening on `next_window_start`) has not begun. Someone not suspended by it (registered or added to
    # the roster since, or suspension switched off) is told when to certify next, not that they are late.
    campaign_over: bool = False
    next_window_start: date | None = None


async def cycle_for(
    uow: UnitOfWork, calendar: CertificationCalendar, retiree: Retiree, now: datetime
) -> Cycle:
    """The cycle a retiree is in now: the year's campaign, or (rolling) their own next due month."""
    if calendar.mode is Mode.CAMPAIGN:
        return calendar.current_cycle(now)
    last = await uow.certification.last_certified(retiree.id)
    return calendar.rolling_cycle_now(last.certified_at if last else None, retiree.birth_date, now)


async def status_view(
    uow: UnitOfWork, calendar: CertificationCalendar, retiree: Retiree, now: datetime
) -> StatusView:
    cycle = await cycle_for(uow, calendar, retiree, now)
    record = await uow.certification.get(retiree.id, cycle.key)
    if calendar.mode is Mode.ROLLING and record is None:
        # In rolling mode a fresh certification opens the next cycle: show it until then.
        last = await uow.certification.last_certified(retiree.id)
        if (
            last is not None
            and last.certified_at
            and calendar.local_date(last.certified_at) >= cycle.window_start
        ):
            record = last
    status = record.status if record else CertStatus.PENDING
    certified_on = calendar.local_date(record.certified_at) if record and record.certified_at else None
    waiting = await uow.certification.has_waiting_submission(retiree.id)
    today = calendar.local_date(now)
    return StatusView(
        retiree=retiree,
        cycle=cycle,
        status=status,
        certified_on=certified_on,
        next_due=calendar.next_deadline(cycle) if calendar.mode is Mode.CAMPAIGN else cycle.deadline,
        restored=bool(record and record.restored_at),
        waiting_photo=waiting and status is not CertStatus.CERTIFIED,
        visit_requested=bool(record and record.visit_requested_at) and status is not CertStatus.CERTIFIED,
        late=today > cycle.deadline,
        past_suspension=today >= cycle.suspension,
        campaign_over=calendar.mode is Mode.CAMPAIGN and today >= cycle.suspension,
        next_window_start=calendar.next_window_start(cycle),
    )


async def retirees_of(uow: UnitOfWork, account: Account) -> list[Retiree]:
    """Whose certification this account handles: a retiree's own first, then each living retiree the
    account looks after (a family member's relatives, a retiree's spouse), in the order they were linked."""
    if not account.is_retiree_or_family:
        return []
    found: list[Retiree] = []
    if account.role is AccountRole.RETIREE and account.retiree_id is not None:
        own = await uow.retirees.get(account.retiree_id)
        found += [own] if own is not None else []
    for link in await uow.family.for_account(account.id):
        retiree = await uow.retirees.get(link.retiree_id)
        if retiree is not None and not retiree.deceased and all(r.id != retiree.id for r in found):
            found.append(retiree)
    return found


async def may_act_for(uow: UnitOfWork, account: Account, retiree_id: int) -> bool:
    if not account.is_retiree_or_family:
        return False
    if account.role is AccountRole.RETIREE and account.retiree_id == retiree_id:
        return True
    return any(link.retiree_id == retiree_id for link in await uow.family.for_account(account.id))


async def _tell_staff(
    uow: UnitOfWork, i18n: I18n, texts: CertificationTexts, retiree: Retiree, kind: str, key: str
) -> int:
    """Notify the staff nearest the retiree's community (the community, else the units above it)."""
    unit_ids = [retiree.community_id, *[u.id for u in await uow.units.ancestors(retiree.community_id)]]
    for unit_id in unit_ids:
        staff = await uow.questions.staff_of(unit_id)
        if staff:
            messages = [
                OutboxMessage(
                    chat_id=account.chat_id,
                    account_id=account.id,
                    category=MessageCategory.NOTICE,
                    dedupe_key=f"cert-staff:{key}:{account.id}",
                    text=texts.staff_notice(
                        i18n.translator(account.locale), kind, retiree.name, retiree.id_masked
                    ),
                    locale=account.locale,
                    about_retiree_id=retiree.id,
                )
                for account in staff
                if not account.unreachable
            ]
            return await uow.outbox.enqueue_many(messages)
    return 0


async def submit_media(
    uow: UnitOfWork,
    i18n: I18n,
    texts: CertificationTexts,
    account: Account,
    retiree: Retiree,
    kind: SubmissionKind,
    file_id: str,
    now: datetime,
) -> Submission:
    cycle = await cycle_for(uow, texts.profile.calendar, retiree, now)
    submission = await uow.certification.add_submission(retiree.id, cycle.key, account.id, kind, file_id, now)
    await uow.audit.record(
        account.id, "certification.submitted", f"retiree:{retiree.id}", {"submission": submission.id}, now
    )
    await _tell_staff(uow, i18n, texts, retiree, "submission", f"sub:{submission.id}")
    return submission


async def self_report(
    uow: UnitOfWork, i18n: I18n, texts: CertificationTexts, account: Account, retiree: Retiree, now: datetime
) -> bool:
    cycle = await cycle_for(uow, texts.profile.calendar, retiree, now)
    changed = await uow.certification.self_report(retiree.id, cycle.key, now)
    if changed:
        await uow.audit.record(account.id, "certification.self_reported", f"retiree:{retiree.id}", {}, now)
        await _tell_staff(uow, i18n, texts, retiree, "self_report", f"self:{cycle.key}:{retiree.id}")
    return changed


async def request_visit(
    uow: UnitOfWork, i18n: I18n, texts: CertificationTexts, account: Account, retiree: Retiree, now: datetime
) -> bool:
    cycle = await cycle_for(uow, texts.profile.calendar, retiree, now)
    changed = await uow.certification.request_visit(retiree.id, cycle.key, now)
    if changed:
        await uow.audit.record(account.id, "certification.visit_requested", f"retiree:{retiree.id}", {}, now)
        await _tell_staff(uow, i18n, texts, retiree, "visit", f"visit:{cycle.key}:{retiree.id}")
    return changed


# --- staff ----------------------------------------------------------------------------------------------


async def staff_unit_ids(uow: UnitOfWork, account: Account) -> list[int]:
    """Every unit the staff member may see: their units and everything below them."""
    seen: dict[int, None] = {}
    for membership in await uow.staff.memberships(account.id):
        for unit_id in await uow.units.subtree_ids(membership.unit_id):
            seen[unit_id] = None
    return list(seen)


async def _in_scope(uow: UnitOfWork, staff: Account, retiree_id: int) -> Retiree:
    retiree = await uow.retirees.get(retiree_id)
    if retiree is None or retiree.community_id not in await staff_unit_ids(uow, staff):
        raise NotAllowed(retiree_id)
    return retiree


async def _tell_outcome(
    uow: UnitOfWork,
    i18n: I18n,
    texts: CertificationTexts,
    retiree: Retiree,
    key: str,
    *,
    extra_account_ids: tuple[int, ...] = (),
    approved: bool,
    method: CertMethod | None = None,
    reason: RejectReason | None = None,
    restored: bool = False,
) -> None:
    """The retiree (and whoever sent the photo, and on restoration the family) hear the outcome."""
    recipients: dict[int, Account] = {a.id: a for a in await uow.accounts.for_retiree(retiree.id)}
    for account_id in extra_account_ids:
        extra = await uow.accounts.get(account_id)
        if extra is not None:
            recipients[extra.id] = extra
    if restored:
        for link in await uow.family.for_retiree(retiree.id):
            relative = await uow.accounts.get(link.account_id)
            if relative is not None and relative.is_retiree_or_family:
                recipients[relative.id] = relative
    messages = [
        OutboxMessage(
            chat_id=account.chat_id,
            account_id=account.id,
            category=MessageCategory.NOTICE,
            dedupe_key=f"cert-result:{key}:{account.id}",
            text=texts.result(
                i18n.translator(account.locale),
                retiree.name,
                approved=approved,
                method=method,
                reason=reason,
                restored=restored,
            ),
            locale=account.locale,
            about_retiree_id=retiree.id,
        )
        for account in recipients.values()
        if not account.unreachable
    ]
    await uow.outbox.enqueue_many(messages)


async def review(
    uow: UnitOfWork,
    i18n: I18n,
    texts: CertificationTexts,
    staff: Account,
    submission_id: int,
    approve: bool,
    reason: RejectReason | None,
    now: datetime,
) -> Submission | None:
    """Approve or reject a photo; None when it was reviewed already (by someone else, or a double press)."""
    submission = await uow.certification.get_submission(submission_id)
    if submission is None or submission.status is not SubmissionStatus.WAITING:
        return None
    retiree = await _in_scope(uow, staff, submission.retiree_id)
    if not await uow.certification.review_submission(submission_id, approve, reason, staff.id, now):
        return None
    restored = False
    if approve:
        before = await uow.certification.certify(
            retiree.id, submission.cycle, CertMethod.SELF_SERVICE, now, staff.id
        )
        restored = before is CertStatus.SUSPENDED
    await uow.audit.record(
        staff.id,
        "certification.approved" if approve else "certification.rejected",
        f"retiree:{retiree.id}",
        {"submission": submission_id, "reason": reason.value if reason else None},
        now,
    )
    await _tell_outcome(
        uow,
        i18n,
        texts,
        retiree,
        f"sub:{submission_id}",
        extra_account_ids=(submission.account_id,),
        approved=approve,
        method=CertMethod.SELF_SERVICE,
        reason=reason,
        restored=restored,
    )
    return await uow.certification.get_submission(submission_id)


async def record(
    uow: UnitOfWork,
    i18n: I18n,
    texts: CertificationTexts,
    staff: Account,
    retiree_id: int,
    method: CertMethod,
    now: datetime,
) -> CertStatus:
    """Staff record a home visit, an in-person certification or confirm a self-report; returns the
    status before (CERTIFIED: nothing to do)."""
    retiree = await _in_scope(uow, staff, retiree_id)
    cycle = await cycle_for(uow, texts.profile.calendar, retiree, now)
    before = await uow.certification.certify(retiree.id, cycle.key, method, now, staff.id)
    if before is CertStatus.CERTIFIED:
        return before
    await uow.audit.record(
        staff.id, "certification.recorded", f"retiree:{retiree.id}", {"method": method.value}, now
    )
    await _tell_outcome(
        uow,
        i18n,
        texts,
        retiree,
        f"rec:{cycle.key}:{retiree.id}",
        approved=True,
        method=method,
        restored=before is CertStatus.SUSPENDED,
    )
    return before


async def current_record(
    uow: UnitOfWork, calendar: CertificationCalendar, retiree: Retiree, now: datetime
) -> CertificationRecord | None:
    cycle = await cycle_for(uow, calendar, retiree, now)
    return await uow.certification.get(retiree.id, cycle.key)
