"""Staff notices: a staff member's own message, copied to an audience of their unit's subtree through the
outbox as one batch, with a progress message in their chat that is edited as it goes and can cancel what
is not yet sent. A notice to a whole district may wait for a supervisor's approval (region profile)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.actions import Button, InlineKeyboard
from bot.callbacks import NoticeButton
from bot.domain.activities import Activity, MessageRef, Notice, NoticeStatus
from bot.domain.outbox import Attachment, AttachmentKind, BatchProgress, MessageCategory, OutboxMessage
from bot.domain.people import Account, OrgUnit, StaffRole, UnitKind
from bot.i18n import N_, Translator
from bot.ports import UnitOfWork
from bot.regions import ActivityRules
from bot.services.activity_messages import ActivityWords

CANCEL_SENDING = N_("⏹ Cancel sending")
APPROVE = N_("✅ Approve")
REJECT = N_("❌ Reject")


@dataclass(frozen=True, slots=True)
class StaffUnits:
    """The units a staff member may send to: their own, and the units below them."""

    own: Sequence[OrgUnit]
    below: Sequence[OrgUnit]
    supervisor: bool

    @property
    def all(self) -> list[OrgUnit]:
        return [*self.own, *self.below]


async def staff_units(uow: UnitOfWork, account: Account) -> StaffUnits:
    own: list[OrgUnit] = []
    below: list[OrgUnit] = []
    supervisor = False
    for membership in await uow.staff.memberships(account.id):
        unit = await uow.units.get(membership.unit_id)
        if unit is None:
            continue
        own.append(unit)
        supervisor = supervisor or membership.role in (StaffRole.SUPERVISOR, StaffRole.ADMIN)
        for unit_id in await uow.units.subtree_ids(unit.id):
            child = await uow.units.get(unit_id)
            if child is not None and child.parent_id == unit.id:
                below.append(child)
    return StaffUnits(own, below, supervisor)


async def may_send_to(uow: UnitOfWork, account: Account, unit_id: int) -> bool:
    for membership in await uow.staff.memberships(account.id):
        if unit_id in await uow.units.subtree_ids(membership.unit_id):
            return True
    return False


async def start(
    uow: UnitOfWork, account: Account, source: MessageRef, activity_id: int | None, now: datetime
) -> Notice | None:
    """A draft to the staff member's own unit, for retirees and families alike; None for non-staff."""
    units = await staff_units(uow, account)
    if not units.own:
        return None
    return await uow.notices.create(units.own[0].id, account.id, source, activity_id, now)


async def own_draft(uow: UnitOfWork, account: Account, notice_id: int) -> Notice | None:
    notice = await uow.notices.get(notice_id)
    if notice is None or notice.created_by != account.id or notice.status is not NoticeStatus.DRAFT:
        return None
    return notice


def needs_approval(unit: OrgUnit, units: StaffUnits, rules: ActivityRules) -> bool:
    whole = unit.kind in (UnitKind.DISTRICT, UnitKind.CITY)
    return rules.district_needs_approval and whole and not units.supervisor


@dataclass(frozen=True, slots=True)
class Launched:
    batch_id: int
    queued: int


async def launch(
    uow: UnitOfWork,
    notice: Notice,
    today: date,
    activity: Activity | None,
    words: ActivityWords,
    *,
    before: NoticeStatus = NoticeStatus.DRAFT,
) -> Launched | None:
    """Queue the copies, one batch; None when another press launched (or cancelled) it first. Recipients
    are grouped by language, as the activity's buttons are translated."""
    if not await uow.notices.move(notice.id, before, NoticeStatus.SENDING):
        return None
    batch = await uow.outbox.create_batch("notice", f"notice {notice.id}", notice.created_by)
    await uow.notices.set_status(notice.id, NoticeStatus.SENDING, batch)
    template = OutboxMessage(
        chat_id=0,
        category=MessageCategory.BROADCAST,
        dedupe_key="-",
        text="",
        attachment=copy_of(notice.source),
        batch_id=batch,
    )
    by_locale: dict[str, list[tuple[int, int | None, str]]] = defaultdict(list)
    for chat_id, account_id, locale in await uow.notices.recipients(notice.audience, today):
        by_locale[locale if activity is not None else ""].append(
            (chat_id, account_id, f"notice:{notice.id}:{account_id}")
        )
    queued = 0
    for locale, recipients in by_locale.items():
        keyboard = words.signup_keyboard(locale, activity) if activity is not None else None
        queued += await uow.outbox.enqueue_fanout(replace(template, keyboard=keyboard), recipients)
    return Launched(batch, queued)


def copy_of(source: MessageRef) -> Attachment:
    return Attachment(AttachmentKind.COPY, f"{source.chat_id}:{source.message_id}")


async def ask_approval(
    uow: UnitOfWork,
    notice: Notice,
    unit: OrgUnit,
    translate: Callable[[str | None], Translator],
    text: Callable[[Translator], str],
) -> int:
    """The district's supervisors get a copy of the notice and Approve / Reject under a summary."""
    if not await uow.notices.move(notice.id, NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL):
        return 0
    asked = 0
    for supervisor in await uow.questions.staff_of(unit.id, (StaffRole.SUPERVISOR, StaffRole.ADMIN)):
        t = translate(supervisor.locale)
        keyboard = InlineKeyboard(
            (
                (Button(t.gettext(APPROVE), NoticeButton("ap", notice.id).pack()),),
                (Button(t.gettext(REJECT), NoticeButton("rj", notice.id).pack()),),
            )
        )
        base = OutboxMessage(
            chat_id=supervisor.chat_id,
            account_id=supervisor.id,
            category=MessageCategory.NOTICE,
            dedupe_key=f"notice-copy:{notice.id}:{supervisor.id}",
            text="",
            attachment=copy_of(notice.source),
        )
        await uow.outbox.enqueue(base)
        asked += await uow.outbox.enqueue(
            replace(
                base,
                dedupe_key=f"notice-approval:{notice.id}:{supervisor.id}",
                text=text(t),
                attachment=None,
                keyboard=keyboard,
            )
        )
    return asked


async def cancel(uow: UnitOfWork, account: Account, notice_id: int) -> Notice | None:
    """Stop sending: what is not yet sent is not sent. None when it is not this staff member's notice or
    not being sent."""
    notice = await uow.notices.get(notice_id)
    if notice is None or notice.created_by != account.id:
        return None
    if not await uow.notices.move(notice_id, NoticeStatus.SENDING, NoticeStatus.CANCELLED):
        return None
    if notice.batch_id is not None:
        await uow.outbox.cancel_batch(notice.batch_id)
    return notice


def cancel_keyboard(t: Translator, notice_id: int) -> InlineKeyboard:
    return InlineKeyboard(((Button(t.gettext(CANCEL_SENDING), NoticeButton("x", notice_id).pack()),),))


def shown(progress: BatchProgress) -> str:
    """The counts the progress message shows, as a key: a new edit only when one of them changed."""
    return f"{progress.waiting}/{progress.sent}/{progress.failed}/{progress.unreachable}/{progress.cancelled}"


async def refresh_progress(
    uow: UnitOfWork,
    now: datetime,
    render: Callable[[Account, Notice, BatchProgress], tuple[str, InlineKeyboard | None]],
) -> int:
    """Queue an edit of each sending (or just cancelled) notice's progress message whose counts changed;
    a notice whose batch is settled is done, or stopped when it was cancelled: an end state, so that the
    scan only ever looks at notices still going out. An idempotent scan (the delivery job sends the edits)."""
    edits = 0
    notices = [
        *await uow.notices.in_state(NoticeStatus.SENDING),
        *await uow.notices.in_state(NoticeStatus.CANCELLED),
    ]
    for notice in notices:
        progress = None if notice.batch_id is None else await uow.outbox.batch_progress(notice.batch_id)
        if progress is not None and progress.done:
            end = NoticeStatus.DONE if notice.status is NoticeStatus.SENDING else NoticeStatus.STOPPED
            if not await uow.notices.move(notice.id, notice.status, end):
                continue  # cancelled (or ended) meanwhile: the next run sees it as it is now
            notice = replace(notice, status=end)
        staff = await uow.accounts.get(notice.created_by)
        if progress is None or staff is None or notice.progress_message_id is None:
            continue
        key = shown(progress)
        if key == notice.progress_shown:
            continue
        text, keyboard = render(staff, notice, progress)
        await uow.outbox.enqueue(
            OutboxMessage(
                chat_id=staff.chat_id,
                account_id=staff.id,
                category=MessageCategory.URGENT,  # an edit makes no sound: quiet hours do not apply
                dedupe_key=f"notice-progress:{notice.id}:{key}:{notice.status.value}",
                text=text,
                keyboard=keyboard,
                attachment=Attachment(AttachmentKind.EDIT, str(notice.progress_message_id)),
            )
        )
        await uow.notices.set_progress_shown(notice.id, key)
        edits += 1
    return edits
