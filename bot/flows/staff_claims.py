"""Death-benefit claims for staff: the queue of their unit subtree (paged, the longest waiting or the newest
first), a card per claim (who died, when, who applies, the documents there and missing, the estimate and
any pension paid after the death), each document sent back by its file id, and the decisions: confirm the
death (certificate seen) or withdraw the report as mistaken, start the review, approve with an amount,
ask for documents, return with a reason, mark paid; exports as CSV or XLSX by period and status.

Inline buttons carry opaque ids only and work from any step; the amount, the note and the reason are typed
in this flow's steps. Only claims of retirees in the staff member's unit subtree: anything else, forged
callback data included, is answered as an old button. Every decision is audited by the service."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from bot.actions import Button, EditText, InlineKeyboard, SendDocument, SendFile
from bot.callbacks import ClaimAction, ClaimButton
from bot.domain.claims import (
    OPEN_FOR_STAFF,
    AmountError,
    Claim,
    ClaimStatus,
    DocumentState,
    FileType,
    ReportStatus,
    parse_amount,
    spoken_reference,
)
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole, Retiree
from bot.flows import buttons, menu
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt, join
from bot.flows.death_report import relation_label
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import claims as service
from bot.services import claims_export as export
from bot.tables import csv_bytes, xlsx_bytes

OLDEST_FIRST = N_("⏳ Longest waiting first")
NEWEST_FIRST = N_("🆕 Newest first")
EXPORT_CSV = N_("📤 Export CSV")
EXPORT_XLSX = N_("📤 Export XLSX")
PREVIOUS = N_("◀ Previous")
NEXT = N_("Next ▶")
TO_LIST = N_("◀ Back to the list")
SEE = N_("📄 %(document)s")
CONFIRM = N_("✔ Confirm the death (certificate seen)")
WITHDRAW = N_("↩ Withdraw: reported by mistake")
YES_CONFIRM = N_("Yes, confirm the death")
YES_WITHDRAW = N_("Yes, withdraw the report")
NOT_NOW = N_("No, go back")
START_REVIEW = N_("🔍 Start the review")
APPROVE = N_("💰 Approve with an amount")
ASK_DOCUMENTS = N_("📄 Ask for documents")
RETURN = N_("↩ Return with a reason")
MARK_PAID = N_("✅ Mark as paid")

MENU_PROMPT = N_("Claim reviews. Press a claim in the list, or a button below.")
NOT_STAFF = N_("This is for community staff only.")
SURE_CONFIRM = N_(
    "Have you seen the death or cremation certificate of %(name)s? Confirming records the death, cancels "
    "the reminders held and unlinks the retiree's own account."
)
SURE_WITHDRAW = N_(
    "Withdraw the report about %(name)s as a mistake? The reminders held are sent again and %(name)s is "
    "back in the certification campaign."
)
CONFIRMED = N_("Confirmed: the death of %(name)s is recorded.")
WITHDRAWN = N_("Withdrawn: the report about %(name)s was a mistake; reminders go out again.")
REVIEWING = N_("The review of the claim for %(name)s has started; the family is told.")
APPROVED = N_("Approved: CNY %(amount)s for %(name)s. The family is told.")
DOCUMENTS_ASKED = N_("The family of %(name)s is asked for the documents.")
RETURNED = N_("The claim for %(name)s is returned; the family is told why.")
PAID = N_("Marked as paid: the claim for %(name)s. The family is told.")
TOO_LATE = N_("Nothing changed: someone else has already acted on this claim, or it has moved on.")
ASK_AMOUNT = N_("What amount is approved for %(name)s, in yuan? For example 5637 or 5,637.00.")
BAD_AMOUNT = N_("Sorry, I could not read that amount. Please type digits, like 5637 or 5637.50.")
ASK_NOTE = N_("Which documents are needed for %(name)s? Please type a short note; the family will read it.")
ASK_REASON = N_(
    "Why is the claim for %(name)s returned? Please type a short reason; the family will read it."
)
TOO_LONG = N_("Please keep it shorter: at most %(count)s characters.")
NO_DOCUMENT = N_("That document has not been sent.")
ASK_PERIOD = N_("Which claims? Reported in what period:")
ASK_STATUS = N_("And in which status?")
EXPORT_CAPTION = N_("Death-benefit claims, %(period)s: %(count)s.")

THIS_MONTH = N_("This month")
LAST_MONTH = N_("Last month")
THIS_YEAR = N_("This year")
EVERYTHING = N_("Everything")
ALL_STATUSES = N_("All statuses")
WAITING = N_("Waiting for staff")
GATHERING_WORDS = N_("Documents being gathered")
APPROVED_WORDS = N_("Approved")
PAID_WORDS = N_("Paid")
RETURNED_WORDS = N_("Returned")

PERIODS = (THIS_MONTH, LAST_MONTH, THIS_YEAR, EVERYTHING)
STATUS_CHOICES: dict[str, tuple[ClaimStatus, ...]] = {
    ALL_STATUSES: tuple(ClaimStatus),
    WAITING: OPEN_FOR_STAFF,
    GATHERING_WORDS: (ClaimStatus.GATHERING,),
    APPROVED_WORDS: (ClaimStatus.APPROVED,),
    PAID_WORDS: (ClaimStatus.PAID,),
    RETURNED_WORDS: (ClaimStatus.RETURNED,),
}
PAGE = 8
MAX_NOTE = 500
# A decision typed after its button: the step, the service's decision and what is said when it is done.
TYPED = {"amount": "approve", "note": "documents", "reason": "return"}

MACHINE = Machine(
    "staff_claims",
    initial="menu",
    transitions={
        "menu": {
            "list": "menu",
            "export": "period",
            "amount": "amount",
            "note": "note",
            "reason": "reason",
            "back": END,
        },
        "period": {"chosen": "status", "back": "menu"},
        "status": {"exported": "menu", "back": "period"},
        "amount": {"given": "menu", "back": "menu"},
        "note": {"given": "menu", "back": "menu"},
        "reason": {"given": "menu", "back": "menu"},
    },
)

ROWS = [
    [OLDEST_FIRST, NEWEST_FIRST],
    [EXPORT_CSV, EXPORT_XLSX],
    [buttons.MAIN_MENU, buttons.ASK_PERSON],
]


class StaffClaimsFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        rows = self.step_rows()
        name = str(state.data.get("name", ""))
        if state.step == "amount":
            return Prompt(ctx.msg(ASK_AMOUNT, name=name), ctx.reply_keyboard(rows))
        if state.step == "note":
            return Prompt(ctx.msg(ASK_NOTE, name=name), ctx.reply_keyboard(rows))
        if state.step == "reason":
            return Prompt(ctx.msg(ASK_REASON, name=name), ctx.reply_keyboard(rows))
        if state.step == "period":
            return Prompt(ctx.msg(ASK_PERIOD), ctx.reply_keyboard([PERIODS[:2], PERIODS[2:], *rows]))
        if state.step == "status":
            choices = list(STATUS_CHOICES)
            return Prompt(
                ctx.msg(ASK_STATUS),
                ctx.reply_keyboard([choices[:2], choices[2:4], choices[4:], *rows]),
            )
        return Prompt(ctx.msg(MENU_PROMPT), ctx.reply_keyboard(ROWS))

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        if ctx.account.role is not AccountRole.STAFF:
            await ctx.router.show_menu(ctx, ctx.msg(NOT_STAFF))
            return
        self.enter(ctx, "menu", {}, lead)
        await show_list(ctx, 0, newest=False)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.account.role is not AccountRole.STAFF:
            await ctx.router.show_menu(ctx)
            return
        if state.step not in TYPED and await menu.follow_menu_button(ctx):
            return
        if ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back")
            return
        await getattr(self, f"_on_{state.step}")(ctx, state)

    async def _on_menu(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(OLDEST_FIRST, NEWEST_FIRST, EXPORT_CSV, EXPORT_XLSX)
        if choice in (OLDEST_FIRST, NEWEST_FIRST):
            ctx.state = state
            await show_list(ctx, 0, newest=choice == NEWEST_FIRST)
        elif choice in (EXPORT_CSV, EXPORT_XLSX):
            await self.go(ctx, state, "export", data={"xlsx": choice == EXPORT_XLSX})
        else:
            self.not_understood(ctx, state)

    async def _on_period(self, ctx: Context, state: ConversationState) -> None:
        period = ctx.pressed(*PERIODS)
        if period is None:
            self.not_understood(ctx, state)
        else:
            await self.go(ctx, state, "chosen", data={**state.data, "period": period})

    async def _on_status(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(*STATUS_CHOICES)
        if choice is None:
            self.not_understood(ctx, state)
            return
        await send_export(ctx, bool(state.data.get("xlsx")), str(state.data["period"]), choice)
        await self.go(ctx, state, "exported", data={})

    async def _on_amount(self, ctx: Context, state: ConversationState) -> None:
        try:
            amount = parse_amount(ctx.text)
        except AmountError:
            self.reprompt(ctx, state, ctx.msg(BAD_AMOUNT))
            return
        await self._decide(ctx, state, amount=amount)

    async def _on_note(self, ctx: Context, state: ConversationState) -> None:
        await self._words(ctx, state)

    async def _on_reason(self, ctx: Context, state: ConversationState) -> None:
        await self._words(ctx, state)

    async def _words(self, ctx: Context, state: ConversationState) -> None:
        words = ctx.text.strip()
        if not words:
            self.not_understood(ctx, state)
        elif len(words) > MAX_NOTE:
            self.reprompt(ctx, state, ctx.msg(TOO_LONG, count=MAX_NOTE))
        else:
            await self._decide(ctx, state, note=words)

    async def _decide(
        self,
        ctx: Context,
        state: ConversationState,
        *,
        amount: Decimal | None = None,
        note: str | None = None,
    ) -> None:
        decision = TYPED[state.step]
        claim_id = int(state.data["claim_id"])
        try:
            done = await service.decide(
                ctx.uow, ctx.account, claim_id, decision, ctx.now, amount=amount, note=note
            )
            _, retiree = await service.staff_claim(ctx.uow, ctx.account, claim_id)
        except service.NotAllowed:
            await self.go(ctx, state, "back")
            return
        said = {"approve": APPROVED, "documents": DOCUMENTS_ASKED, "return": RETURNED}[decision]
        lead = ctx.msg(said, name=retiree.name, amount=f"{amount:.2f}" if amount else "") if done else None
        await send_card(ctx, claim_id, lead or ctx.msg(TOO_LATE))
        await self.go(ctx, state, "given", data={})


# --- the queue ----------------------------------------------------------------------------------------


def _button(action: ClaimAction, target: int, detail: str | None = None) -> str:
    return ClaimButton(action, target, detail).pack()


async def show_list(ctx: Context, page: int, *, newest: bool, edit: bool = False) -> None:
    found = await service.queue(ctx.uow, ctx.account, page * PAGE, PAGE + 1, newest_first=newest)
    items, more = found[:PAGE], len(found) > PAGE
    order = "n" if newest else "o"
    text = ctx.render(
        "claim_list.html.j2",
        title=ctx.label(NEWEST_FIRST if newest else OLDEST_FIRST),
        offset=page * PAGE,
        items=[
            {
                "name": i.retiree_name,
                "masked": i.id_masked,
                "reference": spoken_reference(i.claim.reference),
                "status": ctx.label(export.STATUS_WORDS[i.claim.status]),
                "to_confirm": i.claim.report_status is ReportStatus.REPORTED,
                "reported": _local_day(ctx, i.claim.reported_at).isoformat(),
            }
            for i in items
        ],
    )
    rows: list[tuple[Button, ...]] = [
        (Button(f"{page * PAGE + n}. {item.retiree_name}", _button("o", item.claim.id)),)
        for n, item in enumerate(items, 1)
    ]
    nav = []
    if page > 0:
        nav.append(Button(ctx.label(PREVIOUS), _button("l", page - 1, order)))
    if more:
        nav.append(Button(ctx.label(NEXT), _button("l", page + 1, order)))
    if nav:
        rows.append(tuple(nav))
    keyboard = InlineKeyboard(tuple(rows)) if rows else None
    if edit and ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text, keyboard))
    else:
        ctx.send(text, keyboard)


def _local_day(ctx: Context, at: datetime) -> date:
    return ctx.profile.calendar.local_date(at)


# --- a claim's card -------------------------------------------------------------------------------------


async def _card(ctx: Context, claim: Claim, retiree: Retiree, lead: str | None) -> tuple[str, InlineKeyboard]:
    rules = ctx.profile.region.claims
    documents = {d.kind: d for d in await ctx.uow.claims.documents(claim.id)}
    checklist = rules.checklist(claim.applicant_is_recipient) if rules else ()
    shown = [
        {"name": spec.name(ctx.t.locale), "present": _present(documents.get(spec.key))} for spec in checklist
    ]
    estimate = service.estimate(ctx.profile.region, retiree, claim)
    owed = service.overpaid(claim)
    text = ctx.render(
        "claim_card.html.j2",
        reference=spoken_reference(claim.reference),
        status=ctx.label(export.STATUS_WORDS[claim.status]),
        report=ctx.label(export.REPORT_WORDS[claim.report_status]),
        name=retiree.name,
        masked=retiree.id_masked,
        died_on=claim.died_on.isoformat(),
        reported=_local_day(ctx, claim.reported_at).isoformat(),
        relation=ctx.label(relation_label(claim.applicant_relation)),
        phone=claim.applicant_phone or "",
        recipient=claim.applicant_is_recipient,
        documents=shown,
        estimate=_figure(estimate.total) if estimate else "",
        funeral=_figure(estimate.funeral_grant) if estimate else "",
        survivor=_figure(estimate.survivor_benefit) if estimate else "",
        overpaid_months=owed.months if owed else None,
        overpaid_amount=_figure(owed.amount) if owed else "",
        amount=_figure(claim.amount),
        note=claim.note or "",
    )
    rows: list[tuple[Button, ...]] = []
    if rules is not None:
        for index, spec in enumerate(rules.documents):
            if _present(documents.get(spec.key)):
                label = ctx.msg(SEE, document=spec.name(ctx.t.locale))
                rows.append((Button(label, _button("d", claim.id, str(index))),))
    if claim.report_status is ReportStatus.REPORTED:
        rows.append((Button(ctx.label(CONFIRM), _button("c", claim.id)),))
        rows.append((Button(ctx.label(WITHDRAW), _button("w", claim.id)),))
    if claim.report_status is not ReportStatus.WITHDRAWN:
        if claim.status is ClaimStatus.SUBMITTED:
            rows.append((Button(ctx.label(START_REVIEW), _button("v", claim.id)),))
        if claim.status in OPEN_FOR_STAFF:
            rows.append((Button(ctx.label(APPROVE), _button("a", claim.id)),))
            rows.append((Button(ctx.label(ASK_DOCUMENTS), _button("m", claim.id)),))
            rows.append((Button(ctx.label(RETURN), _button("r", claim.id)),))
        if claim.status is ClaimStatus.APPROVED:
            rows.append((Button(ctx.label(MARK_PAID), _button("p", claim.id)),))
    rows.append((Button(ctx.label(TO_LIST), _button("l", 0, "o")),))
    return join(lead, text), InlineKeyboard(tuple(rows))


def _present(document: Any) -> bool:
    return document is not None and document.state is DocumentState.PRESENT and bool(document.file_id)


def _figure(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


async def send_card(ctx: Context, claim_id: int, lead: str | None = None, *, edit: bool = False) -> bool:
    try:
        claim, retiree = await service.staff_claim(ctx.uow, ctx.account, claim_id)
    except service.NotAllowed:
        return False
    text, keyboard = await _card(ctx, claim, retiree, lead)
    if edit and ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text, keyboard))
    else:
        ctx.send(text, keyboard)
    return True


async def _send_document(ctx: Context, claim_id: int, index: str) -> bool:
    rules = ctx.profile.region.claims
    if rules is None or not index.isdigit() or int(index) >= len(rules.documents):
        return False
    try:
        claim, _ = await service.staff_claim(ctx.uow, ctx.account, claim_id)
    except service.NotAllowed:
        return False
    spec = rules.documents[int(index)]
    document = next((d for d in await ctx.uow.claims.documents(claim.id) if d.kind == spec.key), None)
    if document is None or not _present(document) or document.file_id is None:
        ctx.send(ctx.msg(NO_DOCUMENT))
        return True
    kind = "photo" if document.file_type is FileType.PHOTO else "document"
    caption = f"{ctx.msg(SEE, document=spec.name(ctx.t.locale))}\n{spoken_reference(claim.reference)}"
    ctx.actions.append(SendFile(ctx.chat_id, kind, document.file_id, caption))
    await ctx.uow.audit.record(
        ctx.account.id, "claim.document_viewed", f"claim:{claim.id}", {"kind": spec.key}, ctx.now
    )
    return True


async def _ask_sure(ctx: Context, claim_id: int, confirm: bool) -> bool:
    try:
        claim, retiree = await service.staff_claim(ctx.uow, ctx.account, claim_id)
    except service.NotAllowed:
        return False
    if claim.report_status is not ReportStatus.REPORTED:
        return await send_card(ctx, claim_id, ctx.msg(TOO_LATE), edit=True)
    yes = _button("C" if confirm else "W", claim.id)
    keyboard = InlineKeyboard(
        (
            (Button(ctx.label(YES_CONFIRM if confirm else YES_WITHDRAW), yes),),
            (Button(ctx.label(NOT_NOW), _button("o", claim.id)),),
        )
    )
    ctx.send(ctx.msg(SURE_CONFIRM if confirm else SURE_WITHDRAW, name=retiree.name), keyboard)
    return True


async def _act(ctx: Context, claim_id: int, action: str) -> bool:
    """A decision without typing: confirm (C), withdraw (W), start the review (v), paid (p)."""
    try:
        _, retiree = await service.staff_claim(ctx.uow, ctx.account, claim_id)
        if action == "C":
            done, said = await service.confirm_death(ctx.uow, ctx.account, claim_id, ctx.now), CONFIRMED
        elif action == "W":
            done, said = await service.withdraw_report(ctx.uow, ctx.account, claim_id, ctx.now), WITHDRAWN
        else:
            decision = "review" if action == "v" else "paid"
            done = await service.decide(ctx.uow, ctx.account, claim_id, decision, ctx.now)
            said = REVIEWING if action == "v" else PAID
    except service.NotAllowed:
        return False
    return await send_card(ctx, claim_id, ctx.msg(said if done else TOO_LATE, name=retiree.name), edit=True)


async def _ask_typed(ctx: Context, claim_id: int, step: str) -> bool:
    try:
        claim, retiree = await service.staff_claim(ctx.uow, ctx.account, claim_id)
    except service.NotAllowed:
        return False
    if claim.status not in OPEN_FOR_STAFF or claim.report_status is ReportStatus.WITHDRAWN:
        return await send_card(ctx, claim_id, ctx.msg(TOO_LATE), edit=True)
    StaffClaimsFlow().enter(ctx, step, {"claim_id": claim.id, "name": retiree.name})
    return True


# --- export -------------------------------------------------------------------------------------------


def period_bounds(period: str, today: date) -> tuple[date | None, date | None]:
    """The first day of the period and the day after it (None: open-ended)."""
    month = today.replace(day=1)
    if period == THIS_MONTH:
        return month, None
    if period == LAST_MONTH:
        previous = (
            month.replace(year=month.year - 1, month=12)
            if month.month == 1
            else month.replace(month=month.month - 1)
        )
        return previous, month
    if period == THIS_YEAR:
        return today.replace(month=1, day=1), None
    return None, None


async def send_export(ctx: Context, xlsx: bool, period: str, status_choice: str) -> None:
    calendar = ctx.profile.calendar
    start, end = period_bounds(period, calendar.local_date(ctx.now))

    def moment(day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time(0, 0), tzinfo=calendar.tz)

    rows = await export.export_rows(
        ctx.uow,
        ctx.t,
        ctx.account,
        STATUS_CHOICES[status_choice],
        moment(start),
        moment(end),
        ctx.profile.region.claims,
        calendar.tz,
    )
    content = xlsx_bytes(rows, sheet=export.SHEET) if xlsx else csv_bytes(rows)
    stamp = calendar.local_date(ctx.now).isoformat()
    filename = f"claims-{stamp}.{'xlsx' if xlsx else 'csv'}"
    shown = f"{ctx.label(period)}, {ctx.label(status_choice)}"
    caption = ctx.msg(EXPORT_CAPTION, period=shown, count=len(rows) - 1)
    ctx.actions.append(SendDocument(ctx.chat_id, filename, content, caption))
    await ctx.uow.audit.record(
        ctx.account.id,
        "claims.exported",
        f"account:{ctx.account.id}",
        {"rows": len(rows) - 1, "period": start.isoformat() if start else None, "statuses": status_choice},
        ctx.now,
    )


# --- buttons (work from any step) ---------------------------------------------------------------------


@handles(ClaimButton)
async def on_claim_button(ctx: Context, button: ClaimButton) -> bool:
    """False (answered as an old button) for anyone but staff, and for a claim outside their subtree."""
    if ctx.account.role is not AccountRole.STAFF:
        return False
    action, target, detail = button.action, button.target, button.detail
    if action == "l" and detail in ("o", "n"):
        await show_list(ctx, target, newest=detail == "n", edit=True)
        return True
    if detail is not None and action != "d":
        return False
    if action == "o":
        return await send_card(ctx, target)
    if action == "d" and detail is not None:
        return await _send_document(ctx, target, detail)
    if action in ("c", "w"):
        return await _ask_sure(ctx, target, confirm=action == "c")
    if action in ("C", "W", "v", "p"):
        return await _act(ctx, target, action)
    if action in ("a", "m", "r"):
        return await _ask_typed(ctx, target, {"a": "amount", "m": "note", "r": "reason"}[action])
    return False
