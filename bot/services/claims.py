"""Death reports and death-benefit claims as families and staff live them.

A report holds, in its own transaction, everything queued to or about the retiree (their own accounts'
messages, and family reminders about them), takes them out of the campaign, gives the community's staff a
review task and tells the other relatives once. Staff confirm it (the retiree is recorded deceased, what was
held is cancelled, the retiree's own account unlinked) or withdraw it (everything held is released). Every
change is audited (who, when, what) and every notice goes through the outbox, in the same unit of work.
Nothing here logs names, ID numbers, phone numbers or file ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.domain.claims import (
    OPEN_FOR_STAFF,
    Claim,
    ClaimDocument,
    ClaimListItem,
    ClaimRules,
    ClaimStatus,
    DocumentState,
    FileType,
    NewReport,
    ReportStatus,
    reference_number,
    spoken_reference,
)
from bot.domain.death_benefits import Case, DeathBenefitError, Estimate
from bot.domain.months import Month, Span
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.overpayment import Overpayment, overpayment
from bot.domain.people import Account, AccountRole, Retiree, StaffRole
from bot.ports import UnitOfWork
from bot.regions import RegionProfile
from bot.services.certification import may_act_for, staff_unit_ids

NOTICE_TEMPLATE = "claim_notice.html.j2"
# The family's report conversation (bot.flows.death_report) and when it began, kept in its state's data.
REPORT_FLOW = "death_report"
STARTED = "started"
UNFINISHED_AFTER = timedelta(hours=24)


class NotAllowed(Exception):
    """The account may not act on this retiree's claim (not their family, not their staff)."""


class BadDate(ValueError):
    """A date of death that cannot be: `reason` is "future" or "before_retirement"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_date_of_death(died: date, retiree: Retiree, today: date) -> None:
    if died > today:
        raise BadDate("future")
    if died < retiree.retirement_date:
        raise BadDate("before_retirement")


@dataclass(frozen=True, slots=True)
class Report:
    """What the family said in the report flow."""

    died_on: date
    relation: str
    phone: str | None
    is_recipient: bool


# --- who may see what ----------------------------------------------------------------------------------


async def retirees_to_report(uow: UnitOfWork, account: Account) -> list[Retiree]:
    """Retirees this family account looks after (a retiree's spouse too), whose death is not confirmed."""
    found: list[Retiree] = []
    for link in await uow.family.for_account(account.id):
        retiree = await uow.retirees.get(link.retiree_id)
        if retiree is not None and all(r.id != retiree.id for r in found):
            found.append(retiree)
    return found


async def may_see(uow: UnitOfWork, account: Account, retiree: Retiree) -> bool:
    """Family linked to the retiree, or staff of the retiree's community and the units above it."""
    if account.role is AccountRole.STAFF:
        return retiree.community_id in await staff_unit_ids(uow, account)
    return await may_act_for(uow, account, retiree.id)


async def _retiree_for(uow: UnitOfWork, account: Account, claim: Claim) -> Retiree:
    retiree = await uow.retirees.get(claim.retiree_id)
    if retiree is None or not await may_see(uow, account, retiree):
        raise NotAllowed(claim.id)
    return retiree


async def claim_for(uow: UnitOfWork, account: Account, claim_id: int) -> tuple[Claim, Retiree]:
    claim = await uow.claims.get(claim_id)
    if claim is None:
        raise NotAllowed(claim_id)
    return claim, await _retiree_for(uow, account, claim)


# --- notices ---------------------------------------------------------------------------------------------


def _notice(account: Account, key: str, **context: Any) -> OutboxMessage:
    return OutboxMessage(
        chat_id=account.chat_id,
        account_id=account.id,
        category=MessageCategory.NOTICE,
        dedupe_key=key,
        template=NOTICE_TEMPLATE,
        context=context,
        locale=account.locale,
    )


async def _staff_to_tell(uow: UnitOfWork, retiree: Retiree, roles: Sequence[StaffRole]) -> list[Account]:
    """The staff nearest the retiree's community (the community, else the units above it)."""
    for unit_id in [retiree.community_id, *[u.id for u in await uow.units.ancestors(retiree.community_id)]]:
        staff = [a for a in await uow.questions.staff_of(unit_id, roles) if not a.unreachable]
        if staff:
            return staff
    return []


async def _family(uow: UnitOfWork, retiree: Retiree) -> list[Account]:
    found: list[Account] = []
    for link in await uow.family.for_retiree(retiree.id):
        account = await uow.accounts.get(link.account_id)
        if account is not None and account.is_retiree_or_family and not account.unreachable:
            found.append(account)
    return found


async def _tell_family(uow: UnitOfWork, claim: Claim, retiree: Retiree, kind: str, **context: Any) -> int:
    at = (claim.updated_at or claim.reported_at).isoformat()
    messages = [
        _notice(
            account,
            # The status too: two decisions within one clock tick (a test's clock) are two messages.
            f"claim:{claim.id}:{kind}:{context.get('status', '')}:{at}:{account.id}",
            kind=kind,
            name=retiree.name,
            reference=spoken_reference(claim.reference),
            **context,
        )
        for account in await _family(uow, retiree)
    ]
    return await uow.outbox.enqueue_many(messages)


async def _tell_staff(uow: UnitOfWork, claim: Claim, retiree: Retiree, kind: str) -> int:
    at = (claim.updated_at or claim.reported_at).isoformat()
    messages = [
        _notice(
            account,
            f"claim-staff:{claim.id}:{kind}:{at}:{account.id}",
            kind=kind,
            name=retiree.name,
            masked=retiree.id_masked,
            reference=spoken_reference(claim.reference),
        )
        for account in await _staff_to_tell(uow, retiree, tuple(StaffRole))
    ]
    return await uow.outbox.enqueue_many(messages)


async def _own_account_ids(uow: UnitOfWork, retiree: Retiree) -> list[int]:
    return [a.id for a in await uow.accounts.for_retiree(retiree.id)]


# --- the family ----------------------------------------------------------------------------------------


async def report_death(
    uow: UnitOfWork, account: Account, retiree: Retiree, report: Report, now: datetime
) -> tuple[Claim, bool]:
    """Open the claim (or find the one a relative opened first); True when this report opened it. Staff may
    report on a family's behalf."""
    if not await may_see(uow, account, retiree):
        raise NotAllowed(retiree.id)
    claim, opened = await uow.claims.report(
        NewReport(
            retiree_id=retiree.id,
            died_on=report.died_on,
            account_id=account.id,
            relation=report.relation,
            phone=report.phone,
            is_recipient=report.is_recipient,
            reference=reference_number(),
            at=now,
        )
    )
    if not opened:
        return claim, False
    await uow.retirees.set_death_reported(retiree.id, now)
    held = await uow.outbox.hold_about(retiree.id, await _own_account_ids(uow, retiree))
    await uow.audit.record(
        account.id, "death.reported", f"claim:{claim.id}", {"retiree": retiree.id, "held": held}, now
    )
    await _tell_staff(uow, claim, retiree, "reported")
    told = [
        relative
        for relative in await _family(uow, retiree)
        if relative.id != account.id and relative.retiree_id != retiree.id
    ]
    await uow.outbox.enqueue_many(
        [
            _notice(relative, f"death-told:{claim.id}:{relative.id}", kind="condolence", name=retiree.name)
            for relative in told
        ]
    )
    return claim, True


async def put_document(
    uow: UnitOfWork,
    account: Account,
    claim: Claim,
    kind: str,
    file: tuple[str, FileType, int | None] | None,
    now: datetime,
) -> None:
    """The document of this kind, as a file (file_id, type, size), or None: "I don't have it yet"."""
    await _retiree_for(uow, account, claim)
    if file is None:
        document = ClaimDocument(claim.id, kind, DocumentState.NOT_YET, at=now)
    else:
        file_id, file_type, size = file
        document = ClaimDocument(claim.id, kind, DocumentState.PRESENT, file_id, file_type, size, now)
    await uow.claims.put_document(document, account.id)
    await uow.audit.record(
        account.id, "claim.document", f"claim:{claim.id}", {"kind": kind, "state": document.state.value}, now
    )


def missing_documents(rules: ClaimRules, claim: Claim, documents: Sequence[ClaimDocument]) -> list[str]:
    present = {d.kind for d in documents if d.state is DocumentState.PRESENT}
    return [d.key for d in rules.checklist(claim.applicant_is_recipient) if d.key not in present]


async def submit(uow: UnitOfWork, account: Account, claim: Claim, now: datetime) -> bool:
    """The family sends the claim to staff (with what is missing marked so); False when sent already."""
    retiree = await _retiree_for(uow, account, claim)
    moved = await uow.claims.set_status(
        claim.id,
        ClaimStatus.SUBMITTED,
        now,
        only_from=(ClaimStatus.GATHERING, ClaimStatus.DOCUMENTS_MISSING),
    )
    if moved:
        await uow.audit.record(account.id, "claim.submitted", f"claim:{claim.id}", {}, now)
        updated = await uow.claims.get(claim.id)
        assert updated is not None
        await _tell_staff(uow, updated, retiree, "submitted")
    return moved


async def remind_unfinished(uow: UnitOfWork, now: datetime, limit: int = 500) -> int:
    """One gentle reminder to each person whose death report conversation began `UNFINISHED_AFTER` ago and
    is still open (not sent, or documents not submitted), once per person and retiree ever (the dedupe key),
    not when the claim has moved past them (a relative submitted it, staff withdrew it). A scan: running it
    twice queues once. Returns how many were queued."""
    queued = 0
    for chat_id, user_id, state in await uow.conversations.in_flow(REPORT_FLOW, limit):
        try:
            started = datetime.fromisoformat(str(state.data.get(STARTED)))
        except ValueError:
            continue  # a conversation from before the timestamp was kept: never reminded
        if started.tzinfo is None or now - started < UNFINISHED_AFTER:
            continue
        account = await uow.accounts.get_by_telegram_user(user_id)
        if account is None or account.unreachable or account.chat_id != chat_id:
            continue
        retiree_id = state.data.get("retiree_id")
        retiree = await uow.retirees.get(int(retiree_id)) if retiree_id is not None else None
        if retiree is not None:
            claim = await uow.claims.for_retiree(retiree.id)
            if claim is not None and "claim_id" in state.data and not _still_gathering(claim):
                continue
        queued += await uow.outbox.enqueue_many(
            [
                _notice(
                    account,
                    f"death-report-unfinished:{account.id}:{retiree.id if retiree else 0}",
                    kind="unfinished",
                    name=retiree.name if retiree else "",
                )
            ]
        )
    return queued


def _still_gathering(claim: Claim) -> bool:
    return claim.report_status is not ReportStatus.WITHDRAWN and claim.status in (
        ClaimStatus.GATHERING,
        ClaimStatus.DOCUMENTS_MISSING,
    )


# --- staff ---------------------------------------------------------------------------------------------


async def _staff_claim(uow: UnitOfWork, staff: Account, claim_id: int) -> tuple[Claim, Retiree]:
    if staff.role is not AccountRole.STAFF:
        raise NotAllowed(claim_id)
    return await claim_for(uow, staff, claim_id)


async def confirm_death(uow: UnitOfWork, staff: Account, claim_id: int, now: datetime) -> bool:
    """Staff saw the death or cremation certificate: recorded deceased (date, who reported, who
    confirmed), what was held cancelled, the retiree's own account unlinked."""
    claim, retiree = await _staff_claim(uow, staff, claim_id)
    if not await uow.claims.confirm(claim.id, staff.id, now):
        return False
    own = await _own_account_ids(uow, retiree)
    await uow.retirees.mark_deceased(retiree.id)
    cancelled = await uow.outbox.cancel_held(retiree.id, own)
    for account_id in own:
        await uow.accounts.set_role(account_id, AccountRole.NEW, None)
    await uow.audit.record(
        staff.id,
        "death.confirmed",
        f"claim:{claim.id}",
        {
            "retiree": retiree.id,
            "died_on": claim.died_on.isoformat(),
            "reported_by": claim.reported_by_account_id,
            "cancelled": cancelled,
            "unlinked": own,
        },
        now,
    )
    return True


async def withdraw_report(uow: UnitOfWork, staff: Account, claim_id: int, now: datetime) -> bool:
    """A mistaken report: what was held is released, the retiree is back in the campaign."""
    claim, retiree = await _staff_claim(uow, staff, claim_id)
    if not await uow.claims.withdraw(claim.id, staff.id, now):
        return False
    await uow.retirees.set_death_reported(retiree.id, None)
    released = await uow.outbox.release_about(retiree.id, await _own_account_ids(uow, retiree))
    await uow.audit.record(
        staff.id, "death.withdrawn", f"claim:{claim.id}", {"retiree": retiree.id, "released": released}, now
    )
    return True


# What each staff decision moves the claim from and to.
DECISIONS: dict[str, tuple[ClaimStatus, tuple[ClaimStatus, ...]]] = {
    "review": (ClaimStatus.UNDER_REVIEW, (ClaimStatus.SUBMITTED,)),
    "approve": (ClaimStatus.APPROVED, OPEN_FOR_STAFF),
    "documents": (ClaimStatus.DOCUMENTS_MISSING, OPEN_FOR_STAFF),
    "return": (ClaimStatus.RETURNED, OPEN_FOR_STAFF),
    "paid": (ClaimStatus.PAID, (ClaimStatus.APPROVED,)),
}


async def decide(
    uow: UnitOfWork,
    staff: Account,
    claim_id: int,
    decision: str,
    now: datetime,
    *,
    amount: Decimal | None = None,
    note: str | None = None,
) -> bool:
    """A staff decision (see DECISIONS); the family is told. False when the claim is not where the decision
    starts from (someone else acted first, a double press). Approving confirms a death not confirmed yet:
    the office does not pay without the certificate."""
    claim, retiree = await _staff_claim(uow, staff, claim_id)
    status, only_from = DECISIONS[decision]
    if decision == "approve" and amount is None:
        raise ValueError("an approval needs the amount")
    if claim.report_status is ReportStatus.WITHDRAWN:
        return False
    if decision == "approve" and claim.report_status is ReportStatus.REPORTED:
        await confirm_death(uow, staff, claim_id, now)
    if not await uow.claims.set_status(claim.id, status, now, only_from=only_from, amount=amount, note=note):
        return False
    await uow.audit.record(
        staff.id,
        f"claim.{decision}",
        f"claim:{claim.id}",
        {"status": status.value, "amount": str(amount) if amount is not None else None},
        now,
    )
    updated = await uow.claims.get(claim.id)
    assert updated is not None
    await _tell_family(
        uow,
        updated,
        retiree,
        "status",
        status=status.value,
        amount=str(amount) if amount is not None else "",
        note=note or "",
    )
    return True


# The staff queue: every claim someone in the office still has to act on (a report to confirm while the family
# gathers documents, a decision, a payment), not those finished (paid, returned).
STAFF_QUEUE: tuple[ClaimStatus, ...] = (ClaimStatus.GATHERING, *OPEN_FOR_STAFF, ClaimStatus.APPROVED)


async def queue(
    uow: UnitOfWork,
    staff: Account,
    offset: int = 0,
    limit: int = 10,
    *,
    statuses: Sequence[ClaimStatus] = STAFF_QUEUE,
    newest_first: bool = False,
) -> Sequence[ClaimListItem]:
    """Claims of this staff member's unit subtree, the longest waiting first (or the newest reported)."""
    if staff.role is not AccountRole.STAFF:
        raise NotAllowed(staff.id)
    units = await staff_unit_ids(uow, staff)
    return await uow.claims.listing(units, statuses, offset, limit, newest_first=newest_first)


async def staff_claim(uow: UnitOfWork, staff: Account, claim_id: int) -> tuple[Claim, Retiree]:
    """The claim and its retiree, when the retiree is in the staff member's unit subtree (else NotAllowed)."""
    return await _staff_claim(uow, staff, claim_id)


async def escalate_untouched(
    uow: UnitOfWork, rules: ClaimRules, time_zone: Any, now: datetime, limit: int = 500
) -> int:
    """Claims waiting for staff and untouched for `rules.review_working_days` working days go to the
    supervisors above the community, once. A scan: running it twice escalates once."""
    today = now.astimezone(time_zone).date()
    escalated = 0
    # N working days after a date are at least N calendar dates later: anything changed since the day
    # before that cannot be due. The rules decide among the rest.
    candidates = await uow.claims.untouched(now - timedelta(days=rules.review_working_days - 1), limit)
    for item in candidates:
        claim = item.claim
        changed = (claim.updated_at or claim.reported_at).astimezone(time_zone).date()
        if rules.working_days_between(changed, today) < rules.review_working_days:
            continue
        retiree = await uow.retirees.get(claim.retiree_id)
        if retiree is None:
            continue
        supervisors = []
        for unit in await uow.units.ancestors(retiree.community_id):
            supervisors = [
                a
                for a in await uow.questions.staff_of(unit.id, (StaffRole.SUPERVISOR, StaffRole.ADMIN))
                if not a.unreachable
            ]
            if supervisors:
                break
        await uow.outbox.enqueue_many(
            [
                _notice(
                    sup,
                    f"claim-late:{claim.id}:{changed.isoformat()}:{sup.id}",
                    kind="late",
                    name=retiree.name,
                    masked=retiree.id_masked,
                    reference=spoken_reference(claim.reference),
                    days=rules.review_working_days,
                )
                for sup in supervisors
            ]
        )
        await uow.claims.mark_escalated(claim.id, now)
        escalated += 1
    return escalated


# --- the estimate and the pension paid after the death ---------------------------------------------------


def estimate(profile: RegionProfile, retiree: Retiree, claim: Claim) -> Estimate | None:
    """The region's formula on what is known; None when the profile names no formula or the rule does not
    cover this death (the office is asked)."""
    if profile.death_benefits is None:
        return None
    contributed = None if claim.contributed_months is None else Span.of_months(claim.contributed_months)
    try:
        case = Case(died=claim.died_on, retired=retiree.retirement_date, contributed=contributed)
        return profile.death_benefits.estimate(case)
    except DeathBenefitError:
        return None


def overpaid(claim: Claim) -> Overpayment | None:
    """Months paid after the month of death (and how much, when the monthly pension is known); None while
    the last month paid is not known."""
    if claim.paid_through is None:
        return None
    return overpayment(claim.died_on, Month.parse(claim.paid_through), claim.monthly_pension)
