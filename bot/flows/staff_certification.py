"""Certification for staff: counts for their units, photos to review (approve, or reject with a reason),
paged lists (pending, self-reported, to visit, suspended) with a card per retiree to record a home visit or
an in-person certification, and exports as CSV and XLSX. Only retirees of the staff member's unit subtree."""

from __future__ import annotations

from typing import BinaryIO

from bot.actions import DOCUMENT_LIMIT_BYTES, Button, EditText, InlineKeyboard, SendDocument, SendFile
from bot.callbacks import StaffAction, StaffCertificationButton
from bot.domain.certification import CertList, CertMethod, CertStatus, RejectReason, Submission
from bot.domain.certification_calendar import Mode
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.certification import texts_for
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import certification as service
from bot.services import certification_export as export
from bot.services.certification_lists import StaffLists, staff_lists
from bot.services.certification_messages import METHODS, REASONS
from bot.services.documents import write_document
from bot.tables import Format

REVIEW = N_("📷 Review photos")
LIST_PENDING = N_("📋 Not yet certified")
LIST_SELF = N_("🙋 Say they certified")
LIST_VISIT = N_("🏠 To visit")
LIST_SUSPENDED = N_("⛔ Suspended")
EXPORT_CSV = N_("📤 Export CSV")
EXPORT_XLSX = N_("📤 Export XLSX")
APPROVE = N_("✅ Approve")
REJECT = N_("❌ Reject")
CONFIRM_SELF = N_("✔ Confirm: certified")
RECORD_IN_PERSON = N_("✅ Certified in person")
RECORD_VISIT = N_("🏠 Home visit done")
PREVIOUS = N_("◀ Previous")
NEXT = N_("Next ▶")

MENU_PROMPT = N_("Certification tasks. Please press a button.")
NOT_STAFF = N_("This is for community staff only.")
NO_PHOTOS = N_("No photos are waiting for review.")
WHY_REJECT = N_("Why is the photo of %(name)s rejected? The retiree will be told.")
APPROVED = N_("Approved: %(name)s is certified.")
REJECTED = N_("Rejected (%(reason)s): %(name)s will be told.")
ALREADY_REVIEWED = N_("Someone has already reviewed this photo.")
RECORDED = N_("Recorded: %(name)s is certified (%(how)s).")
ALREADY_CERTIFIED = N_("%(name)s is already certified.")
CARD = N_("%(name)s (%(masked)s): %(status)s")
ELSEWHERE = N_("Lives elsewhere.")
FRAIL = N_("Asked for a home visit.")
EXPORT_CAPTION = N_("Certification %(cycle)s: %(count)s retirees.")
EXPORT_ZIPPED = N_(
    "Certification %(cycle)s: %(count)s retirees. The list is compressed (ZIP) to fit Telegram: open the "
    "ZIP file to find it."
)
EXPORT_TOO_LARGE = N_(
    "The list of %(count)s retirees is too large to send through Telegram, even compressed (%(size)s MB; "
    "the limit is %(limit)s MB). Please ask the system administrator for it: they can export it on the "
    "server with retiree-bot cert export."
)
_LIMIT_MB = DOCUMENT_LIMIT_BYTES // 1_000_000

LISTS: dict[str, tuple[CertList, str]] = {
    "p": (CertList.PENDING, LIST_PENDING),
    "s": (CertList.SELF_REPORTED, LIST_SELF),
    "v": (CertList.TO_VISIT, LIST_VISIT),
    "x": (CertList.SUSPENDED, LIST_SUSPENDED),
}
METHOD_CODES = {"i": CertMethod.IN_PERSON, "h": CertMethod.HOME_VISIT, "s": CertMethod.SELF_REPORT}
REASON_CODES = {
    "u": RejectReason.UNCLEAR,
    "n": RejectReason.NO_ID,
    "r": RejectReason.NOT_RETIREE,
    "o": RejectReason.OTHER,
}
PAGE = 8

MACHINE = Machine(
    "staff_certification",
    initial="menu",
    transitions={
        "menu": {"overview": "menu", "review": "menu", "list": "menu", "export": "menu", "back": END},
    },
)

ROWS = [
    [REVIEW],
    [LIST_PENDING, LIST_SELF],
    [LIST_VISIT, LIST_SUSPENDED],
    [EXPORT_CSV, EXPORT_XLSX],
    [buttons.MAIN_MENU, buttons.ASK_PERSON],
]


async def _lists(ctx: Context) -> tuple[StaffLists, list[int]]:
    units = await service.staff_unit_ids(ctx.uow, ctx.account)
    return await staff_lists(ctx.uow, texts_for(ctx).profile.calendar, units, ctx.now), units


def _title(ctx: Context) -> str:
    """What the lists are of: the campaign's year, or (rolling mode, a cycle per retiree) today."""
    calendar = texts_for(ctx).profile.calendar
    if calendar.mode is Mode.CAMPAIGN:
        return calendar.current_cycle(ctx.now).key
    return calendar.local_date(ctx.now).isoformat()


async def overview(ctx: Context) -> str:
    lists, units = await _lists(ctx)
    counts = await lists.counts()
    waiting = await ctx.uow.certification.waiting_submissions(units, 100)
    texts = texts_for(ctx)
    calendar = texts.profile.calendar
    campaign = calendar.current_cycle(ctx.now) if calendar.mode is Mode.CAMPAIGN else None
    return ctx.render(
        "cert_staff_view.html.j2",
        cycle=_title(ctx),
        counts={k.value: v for k, v in counts.items()},
        waiting=len(waiting),
        rolling=campaign is None,
        start=texts.day(ctx.t, campaign.window_start) if campaign else "",
        deadline=texts.day(ctx.t, campaign.deadline) if campaign else "",
        suspension=texts.day(ctx.t, campaign.suspension) if campaign else "",
    )


class StaffCertificationFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        return Prompt(ctx.msg(MENU_PROMPT), ctx.reply_keyboard(ROWS))

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        if ctx.account.role is not AccountRole.STAFF:
            await ctx.router.show_menu(ctx, ctx.msg(NOT_STAFF))
            return
        self.enter(ctx, "menu", {}, "\n\n".join(p for p in (lead, await overview(ctx)) if p))

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        labels = {label: code for code, (_, label) in LISTS.items()}
        choice = ctx.pressed(
            REVIEW, EXPORT_CSV, EXPORT_XLSX, buttons.BACK, buttons.STAFF_CERTIFICATION, *labels
        )
        if ctx.account.role is not AccountRole.STAFF or choice == buttons.BACK:
            await self.go(ctx, state, "back")
        elif choice == buttons.STAFF_CERTIFICATION:
            # The menu's button pressed again (its keyboard may still be on screen): show the counts.
            await self.go(ctx, state, "overview", lead=await overview(ctx))
        elif choice == REVIEW:
            if not await show_next_submission(ctx):
                await self.go(ctx, state, "review", lead=ctx.msg(NO_PHOTOS))
        elif choice in labels:
            await show_list(ctx, labels[choice], 0)
        elif choice in (EXPORT_CSV, EXPORT_XLSX):
            await send_export(ctx, xlsx=choice == EXPORT_XLSX)
        else:
            self.not_understood(ctx, state)


# --- review -------------------------------------------------------------------------------------------


async def show_next_submission(ctx: Context) -> bool:
    units = await service.staff_unit_ids(ctx.uow, ctx.account)
    waiting = await ctx.uow.certification.waiting_submissions(units, 1)
    if not waiting:
        return False
    await _show_submission(ctx, waiting[0])
    return True


async def _show_submission(ctx: Context, submission: Submission) -> None:
    retiree = await ctx.uow.retirees.get(submission.retiree_id)
    if retiree is None:
        return
    caption = ctx.render(
        "cert_review.html.j2",
        name=retiree.name,
        masked=retiree.id_masked,
        sent=texts_for(ctx).day(ctx.t, texts_for(ctx).profile.calendar.local_date(submission.created_at)),
    )
    keyboard = InlineKeyboard(
        (
            (Button(ctx.label(APPROVE), _button("a", submission.id)),),
            (Button(ctx.label(REJECT), _button("r", submission.id)),),
        )
    )
    ctx.actions.append(SendFile(ctx.chat_id, submission.kind.value, submission.file_id, caption, keyboard))


async def _review(ctx: Context, submission_id: int, approve: bool, reason: RejectReason | None) -> bool:
    submission = await ctx.uow.certification.get_submission(submission_id)
    retiree = await ctx.uow.retirees.get(submission.retiree_id) if submission else None
    if submission is None or retiree is None:
        return False
    try:
        done = await service.review(
            ctx.uow, ctx.i18n, texts_for(ctx), ctx.account, submission_id, approve, reason, ctx.now
        )
    except service.NotAllowed:
        return False
    if done is None:
        text = ctx.msg(ALREADY_REVIEWED)
    elif approve:
        text = ctx.msg(APPROVED, name=retiree.name)
    else:
        text = ctx.msg(REJECTED, name=retiree.name, reason=ctx.label(REASONS[reason or RejectReason.OTHER]))
    if not approve and ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text))
    else:
        ctx.send(text)
    await show_next_submission(ctx)
    return True


async def _ask_reason(ctx: Context, submission_id: int) -> bool:
    submission = await ctx.uow.certification.get_submission(submission_id)
    retiree = await ctx.uow.retirees.get(submission.retiree_id) if submission else None
    if submission is None or retiree is None:
        return False
    rows = tuple(
        (Button(ctx.label(REASONS[reason]), _button("x", submission_id, code)),)
        for code, reason in REASON_CODES.items()
    )
    ctx.send(ctx.msg(WHY_REJECT, name=retiree.name), InlineKeyboard(rows))
    return True


# --- lists and cards ----------------------------------------------------------------------------------


async def show_list(ctx: Context, code: str, page: int, *, edit: bool = False) -> None:
    which, title = LISTS[code]
    lists, _ = await _lists(ctx)
    total = (await lists.counts())[which]
    items = await lists.page(which, page * PAGE, PAGE)
    text = ctx.render(
        "cert_list.html.j2",
        title=ctx.label(title),
        first=min(page * PAGE + 1, total),
        last=page * PAGE + len(items),
        total=total,
        offset=page * PAGE,
        items=[
            {
                "name": i.name,
                "masked": i.id_masked,
                "elsewhere": i.lives_elsewhere,
                "frail": i.visit_requested,
            }
            for i in items
        ],
    )
    rows: list[tuple[Button, ...]] = [
        (Button(f"{page * PAGE + n}. {item.name}", _button("c", item.retiree_id)),)
        for n, item in enumerate(items, 1)
    ]
    nav = []
    if page > 0:
        nav.append(Button(ctx.label(PREVIOUS), _button("l", code, page - 1)))
    if (page + 1) * PAGE < total:
        nav.append(Button(ctx.label(NEXT), _button("l", code, page + 1)))
    if nav:
        rows.append(tuple(nav))
    keyboard = InlineKeyboard(tuple(rows)) if rows else None
    if edit and ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text, keyboard))
    else:
        ctx.send(text, keyboard)


async def _card(ctx: Context, retiree_id: int) -> bool:
    retiree = await ctx.uow.retirees.get(retiree_id)
    if retiree is None or retiree.community_id not in await service.staff_unit_ids(ctx.uow, ctx.account):
        return False
    record = await service.current_record(ctx.uow, texts_for(ctx).profile.calendar, retiree, ctx.now)
    status = record.status if record else CertStatus.PENDING
    lines = [
        ctx.msg(
            CARD,
            name=retiree.name,
            masked=retiree.id_masked,
            status=ctx.label(export.STATUS_NAMES[status.value]),
        )
    ]
    if retiree.lives_elsewhere:
        lines.append(ctx.msg(ELSEWHERE))
    if record is not None and record.visit_requested_at is not None:
        lines.append(ctx.msg(FRAIL))
    rows: list[tuple[Button, ...]] = []
    if status is not CertStatus.CERTIFIED:
        if status is CertStatus.SELF_REPORTED:
            rows.append((Button(ctx.label(CONFIRM_SELF), _button("m", retiree.id, "s")),))
        rows.append((Button(ctx.label(RECORD_IN_PERSON), _button("m", retiree.id, "i")),))
        rows.append((Button(ctx.label(RECORD_VISIT), _button("m", retiree.id, "h")),))
    ctx.send("\n".join(lines), InlineKeyboard(tuple(rows)) if rows else None)
    return True


async def _record(ctx: Context, retiree_id: int, method: CertMethod) -> bool:
    retiree = await ctx.uow.retirees.get(retiree_id)
    if retiree is None:
        return False
    try:
        before = await service.record(
            ctx.uow, ctx.i18n, texts_for(ctx), ctx.account, retiree_id, method, ctx.now
        )
    except service.NotAllowed:
        return False
    if before is CertStatus.CERTIFIED:
        text = ctx.msg(ALREADY_CERTIFIED, name=retiree.name)
    else:
        text = ctx.msg(RECORDED, name=retiree.name, how=ctx.label(METHODS[method]))
    if ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text))
    else:
        ctx.send(text)
    return True


# --- export -------------------------------------------------------------------------------------------


async def send_export(ctx: Context, *, xlsx: bool) -> None:
    """The lists written to a temporary file a page at a time and sent as a document (compressed above
    Telegram's 50 MB limit; too large even then, the staff member is told what to do instead)."""
    lists, units = await _lists(ctx)
    tz = texts_for(ctx).profile.calendar.tz
    title = _title(ctx)
    kind: Format = "xlsx" if xlsx else "csv"

    async def write(target: BinaryIO) -> int:
        return await export.write_export(ctx.uow, ctx.t, lists, tz, target, kind)

    document = await write_document(f"certification-{title}.{kind}", write)
    await ctx.uow.audit.record(
        ctx.account.id, "certification.exported", f"units:{len(units)}", {"rows": document.rows}, ctx.now
    )
    megabytes = f"{document.size / 1_000_000:.0f}"
    if document.path is None:
        ctx.send(ctx.msg(EXPORT_TOO_LARGE, count=document.rows, size=megabytes, limit=_LIMIT_MB))
        return
    caption = ctx.msg(EXPORT_ZIPPED if document.zipped else EXPORT_CAPTION, cycle=title, count=document.rows)
    ctx.actions.append(SendDocument(ctx.chat_id, document.filename, document.path, caption))


# --- buttons (work from any step) ---------------------------------------------------------------------


def _button(action: StaffAction, target: object, detail: object | None = None) -> str:
    return StaffCertificationButton(action, str(target), None if detail is None else str(detail)).pack()


@handles(StaffCertificationButton)
async def on_staff_button(ctx: Context, button: StaffCertificationButton) -> bool:
    """Staff buttons: a <sub> approve, r <sub> reject (ask why), x <sub> <reason>, l <list> <page>,
    c <retiree> card, m <retiree> <method>. False when not allowed (shown as stale)."""
    action = button.action
    args = [button.target] if button.detail is None else [button.target, button.detail]
    if ctx.account.role is not AccountRole.STAFF or (not args[0].isdigit() and action != "l"):
        return False
    if action == "a" and len(args) == 1:
        return await _review(ctx, int(args[0]), True, None)
    if action == "r" and len(args) == 1:
        return await _ask_reason(ctx, int(args[0]))
    if action == "x" and len(args) == 2 and args[1] in REASON_CODES:
        return await _review(ctx, int(args[0]), False, REASON_CODES[args[1]])
    if action == "l" and len(args) == 2 and args[0] in LISTS and args[1].isdigit():
        await show_list(ctx, args[0], int(args[1]), edit=True)
        return True
    if action == "c" and len(args) == 1:
        return await _card(ctx, int(args[0]))
    if action == "m" and len(args) == 2 and args[1] in METHOD_CODES:
        return await _record(ctx, int(args[0]), METHOD_CODES[args[1]])
    return False
