"""A family reports a death and makes the death-benefit claim: a word of condolence, who died, the date,
the applicant's relation and phone, whether they receive the money; then each document of the region's
checklist as a photo or PDF (or "I don't have it yet"), a review of what is there and missing, and the
reference number. Back and /cancel at every step; the report is saved only when confirmed, and the flow's
state lives in the database, so a restart loses nothing."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from bot.actions import ReplyKeyboard
from bot.domain.claims import (
    MAX_DOCUMENT_BYTES,
    Claim,
    ClaimStatus,
    DocumentState,
    FileType,
    ReportStatus,
    spoken_reference,
)
from bot.domain.conversation import ConversationState
from bot.domain.days import DayError, parse_day
from bot.domain.family import Relation
from bot.domain.people import Retiree
from bot.events import EventKind
from bot.flows import buttons, menu
from bot.flows.base import Flow
from bot.flows.buttons import normalise_label
from bot.flows.context import Context, Prompt, join
from bot.flows.family_registration import ASK_RELATION, RELATION_ROWS
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import claims as service

CONDOLENCE = N_(
    "We are very sorry for your loss. We will go through this together, one short step at a time."
)
NOBODY = N_(
    "To report a death, please first link your account to the retiree: Settings, then “Add a retiree I "
    "look after”. Or call your community office."
)
CHOOSE = N_("Who has passed away? Please press a name.")
ASK_DATE = N_("On what day did %(name)s pass away? For example 2026-12-03, 12月3日 or “yesterday”.")
BAD_DATE = N_("Sorry, I could not read that day. Please write it like 2026-12-03 or 12月3日.")
FUTURE_DATE = N_("That day has not come yet. Please check the date.")
BEFORE_RETIREMENT = N_("That day is before %(name)s retired. Please check the date.")
ASK_PHONE = N_("Please press “📱 Share my number”, or type a phone number where the office can reach you.")
SHARE_PHONE = N_("📱 Share my number")
BAD_PHONE = N_("That does not look like a phone number. Please type digits only, like 13800000000.")
ASK_RECIPIENT = N_("Will you be the one who receives the money?")
YES = N_("Yes, me")
NO = N_("No, another relative")
SUMMARY = N_(
    "Please check: %(name)s passed away on %(day)s. You are their %(relation)s, phone %(phone)s. "
    "Press “Send” to tell the community office."
)
SEND = N_("✅ Send")
REPORTED = N_(
    "Thank you. The community office has been told, and reminders about %(name)s have stopped. "
    "Now the documents for the claim: send each one as a photo or a PDF, when you have it."
)
ALREADY_REPORTED = N_("A relative has already told us; we continue with the same claim.")
DOCUMENTS = N_("Documents for the claim of %(name)s:")
PICK_DOCUMENT = N_("Press a document to send it, or “Review and submit”.")
ASK_DOCUMENT = N_("Please send the %(document)s as a photo or a PDF file (📎 button).")
NOT_YET = N_("I don't have it yet")
REVIEW = N_("📋 Review and submit")
SUBMIT = N_("✅ Submit the claim")
RECEIVED = N_("Thank you, the %(document)s is saved.")
MARKED = N_("All right: the %(document)s is marked as missing. You can send it later.")
NOT_A_DOCUMENT = N_(
    "Sorry, I can only take a photo or a PDF file here. Please send the document that way, or press “⬅ Back”."
)
NOT_PDF = N_(
    "Sorry, this file is not a PDF (a Word file, perhaps). Please take a photo of the paper, or save it "
    "as a PDF, and send that."
)
TOO_BIG = N_(
    "Sorry, this file is too big (more than 20 MB). A photo of the paper taken with the phone is enough."
)
SUBMITTED = N_(
    "The claim is submitted. Your reference number is <b>%(reference)s</b>; please keep it for calls "
    "to the office. We will tell you of every step."
)
ESTIMATE_UNKNOWN = N_(
    "An estimate of the amount: the office has not published the figures here, so please ask the "
    "office; they will tell you exactly."
)
ESTIMATE = N_(
    "An estimate only (the office confirms the amount): funeral grant CNY %(funeral)s, survivors' "
    "payment CNY %(survivor)s, together about CNY %(total)s."
)
OVERPAID = N_(
    "The pension is due up to and including the month of death. %(months)s month(s) were paid after "
    "it%(amount)s; please return them to %(office)s. This is usual, and the office will help you."
)
STATUS = N_("The claim for %(name)s (reference %(reference)s): %(status)s.")
MISSING = N_("Still missing: %(documents)s.")
NOTHING_MISSING = N_("Every document is there.")
PRESENT_MARK = "✅"
MISSING_MARK = "⬜"

STATUS_WORDS: dict[ClaimStatus, str] = {
    ClaimStatus.GATHERING: N_("documents being gathered"),
    ClaimStatus.SUBMITTED: N_("submitted"),
    ClaimStatus.DOCUMENTS_MISSING: N_("documents missing"),
    ClaimStatus.UNDER_REVIEW: N_("under review"),
    ClaimStatus.APPROVED: N_("approved"),
    ClaimStatus.PAID: N_("paid"),
    ClaimStatus.RETURNED: N_("returned"),
}

MACHINE = Machine(
    service.REPORT_FLOW,
    initial="choose",
    transitions={
        "choose": {"chosen": "date", "back": END},
        "date": {"given": "relation", "back": END},
        "relation": {"chosen": "phone", "back": "date"},
        "phone": {"given": "recipient", "back": "relation"},
        "recipient": {"answered": "confirm", "back": "phone"},
        "confirm": {"sent": "documents", "back": "recipient"},
        "documents": {"pick": "document", "review": "review", "back": END},
        "document": {"saved": "documents", "back": "documents"},
        "review": {"submitted": END, "back": "documents"},
    },
)

_PHONE = re.compile(r"\+?\d{5,20}")
GATHERING = (ClaimStatus.GATHERING, ClaimStatus.DOCUMENTS_MISSING)


def relation_label(key: str) -> str:
    known = {r.value: label for r, label in buttons.RELATIONS.items()}
    return known.get(key, buttons.RELATIONS[Relation.OTHER])


class DeathReportFlow(Flow):
    machine = MACHINE

    def enter(self, ctx: Context, step: str, data: dict[str, Any], lead: str | None = None) -> None:
        # When the conversation began, kept through its steps: a report left unfinished gets one reminder
        # (services.claims.remind_unfinished).
        previous = ctx.state
        started = previous.data.get(service.STARTED) if previous and previous.flow == self.name else None
        super().enter(ctx, step, {**data, service.STARTED: started or ctx.now.isoformat()}, lead)

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        data = state.data
        name = str(data.get("name", ""))
        rows = self.step_rows()
        step = state.step
        if step == "choose":
            names = tuple((str(n),) for _, n in data["choices"])
            return Prompt(ctx.msg(CHOOSE), ReplyKeyboard(names + ctx.reply_keyboard(rows).rows))
        if step == "date":
            return Prompt(ctx.msg(ASK_DATE, name=name), ctx.reply_keyboard(rows))
        if step == "relation":
            relation_rows = [[buttons.RELATIONS[r] for r in row] for row in RELATION_ROWS]
            return Prompt(ctx.msg(ASK_RELATION, name=name), ctx.reply_keyboard(relation_rows + rows))
        if step == "phone":
            return Prompt(ctx.msg(ASK_PHONE), ctx.reply_keyboard([[SHARE_PHONE], *rows], contact=SHARE_PHONE))
        if step == "recipient":
            return Prompt(ctx.msg(ASK_RECIPIENT), ctx.reply_keyboard([[YES, NO], *rows]))
        if step == "confirm":
            text = ctx.msg(
                SUMMARY,
                name=name,
                day=str(data["died_on"]),
                relation=ctx.label(relation_label(str(data["relation"]))),
                phone=str(data["phone"]),
            )
            return Prompt(text, ctx.reply_keyboard([[SEND], *rows]))
        if step == "document":
            return Prompt(
                ctx.msg(ASK_DOCUMENT, document=_doc_name(ctx, data["doc"])),
                ctx.reply_keyboard([[NOT_YET], *rows]),
            )
        checklist = data.get("checklist", [])
        present = set(data.get("present", []))
        lines = [ctx.msg(DOCUMENTS, name=name)]
        lines += [
            f"{PRESENT_MARK if key in present else MISSING_MARK} {_doc_name(ctx, key)}" for key in checklist
        ]
        if step == "review":
            missing = [_doc_name(ctx, k) for k in checklist if k not in present]
            lines.append(
                ctx.msg(MISSING, documents="、".join(missing)) if missing else ctx.msg(NOTHING_MISSING)
            )
            return Prompt("\n".join(lines), ctx.reply_keyboard([[SUBMIT], *rows]))
        lines.append(ctx.msg(PICK_DOCUMENT))
        names = tuple(
            (f"{PRESENT_MARK if k in present else MISSING_MARK} {_doc_name(ctx, k)}",) for k in checklist
        )
        return Prompt("\n".join(lines), ReplyKeyboard(names + ctx.reply_keyboard([[REVIEW], *rows]).rows))

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        retirees = await service.retirees_to_report(ctx.uow, ctx.account)
        if not retirees:
            await ctx.router.show_menu(ctx, ctx.msg(NOBODY))
            return
        if len(retirees) == 1:
            await self._start_for(ctx, retirees[0], lead)
        else:
            choices = [[r.id, r.name] for r in retirees]
            self.enter(ctx, "choose", {"choices": choices}, join(lead, ctx.msg(CONDOLENCE)))

    async def _start_for(self, ctx: Context, retiree: Retiree, lead: str | None = None) -> None:
        claim = await ctx.uow.claims.for_retiree(retiree.id)
        if claim is not None and claim.report_status is not ReportStatus.WITHDRAWN:
            await self._show_claim(ctx, claim, retiree, lead)
            return
        self.enter(
            ctx, "date", {"retiree_id": retiree.id, "name": retiree.name}, join(lead, ctx.msg(CONDOLENCE))
        )

    async def _show_claim(self, ctx: Context, claim: Claim, retiree: Retiree, lead: str | None) -> None:
        status = ctx.msg(
            STATUS,
            name=retiree.name,
            reference=spoken_reference(claim.reference),
            status=ctx.label(STATUS_WORDS[claim.status]),
        )
        if claim.status in GATHERING:
            data = await _documents_data(ctx, claim, retiree)
            self.enter(ctx, "documents", data, join(lead, status))
        else:
            ctx.state = None
            await ctx.router.show_menu(ctx, join(lead, status, _money_text(ctx, claim, retiree)))

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if state.step not in ("document",) and await menu.follow_menu_button(ctx):
            return
        if ctx.pressed(buttons.BACK):
            if state.step == "document":
                await self.go(ctx, state, "back", data=await _refresh(ctx, state))
            else:
                await self.go(ctx, state, "back")
            return
        handler = getattr(self, f"_on_{state.step}")
        await handler(ctx, state)

    async def _on_choose(self, ctx: Context, state: ConversationState) -> None:
        typed = ctx.typed_label
        chosen = [i for i, name in state.data["choices"] if typed and normalise_label(str(name)) == typed]
        retiree = await ctx.uow.retirees.get(chosen[0]) if chosen else None
        if retiree is None:
            self.not_understood(ctx, state)
        else:
            await self._start_for(ctx, retiree)

    async def _on_date(self, ctx: Context, state: ConversationState) -> None:
        retiree = await ctx.uow.retirees.get(int(state.data["retiree_id"]))
        assert retiree is not None
        try:
            died = parse_day(ctx.text, ctx.today)
            service.check_date_of_death(died, retiree, ctx.today)
        except DayError:
            self.reprompt(ctx, state, ctx.msg(BAD_DATE))
            return
        except service.BadDate as bad:
            reason = FUTURE_DATE if bad.reason == "future" else BEFORE_RETIREMENT
            self.reprompt(ctx, state, ctx.msg(reason, name=retiree.name))
            return
        await self.go(ctx, state, "given", data={**state.data, "died_on": died.isoformat()})

    async def _on_relation(self, ctx: Context, state: ConversationState) -> None:
        pressed = ctx.pressed(*buttons.RELATIONS.values())
        relation = next((r for r, label in buttons.RELATIONS.items() if label == pressed), None)
        if relation is None:
            self.not_understood(ctx, state)
        else:
            await self.go(ctx, state, "chosen", data={**state.data, "relation": relation.value})

    async def _on_phone(self, ctx: Context, state: ConversationState, typed: str | None = None) -> None:
        if typed is None and ctx.pressed(SHARE_PHONE):
            # The label typed, or pressed on a client that cannot share contacts: ask for the digits.
            self.reprompt(ctx, state)
            return
        text = ctx.text if typed is None else typed
        digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", text))
        if not _PHONE.fullmatch(digits):
            self.reprompt(ctx, state, ctx.msg(BAD_PHONE))
            return
        await self.go(ctx, state, "given", data={**state.data, "phone": digits})

    async def _on_recipient(self, ctx: Context, state: ConversationState) -> None:
        answer = ctx.pressed(YES, NO)
        if answer is None:
            self.not_understood(ctx, state)
        else:
            await self.go(ctx, state, "answered", data={**state.data, "recipient": answer == YES})

    async def _on_confirm(self, ctx: Context, state: ConversationState) -> None:
        if not ctx.pressed(SEND):
            self.not_understood(ctx, state)
            return
        retiree = await ctx.uow.retirees.get(int(state.data["retiree_id"]))
        assert retiree is not None
        report = service.Report(
            died_on=date.fromisoformat(str(state.data["died_on"])),
            relation=str(state.data["relation"]),
            phone=str(state.data["phone"]),
            is_recipient=bool(state.data["recipient"]),
        )
        claim, opened = await service.report_death(ctx.uow, ctx.account, retiree, report, ctx.now)
        lead = ctx.msg(REPORTED, name=retiree.name) if opened else ctx.msg(ALREADY_REPORTED)
        await self.go(ctx, state, "sent", lead=lead, data=await _documents_data(ctx, claim, retiree))

    async def _on_documents(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(REVIEW):
            await self.go(ctx, state, "review", data=await _refresh(ctx, state))
            return
        typed = ctx.typed_label
        for key in state.data["checklist"]:
            if typed and any(normalise_label(spec_name) == typed for spec_name in _doc_names_all(ctx, key)):
                await self.go(ctx, state, "pick", data={**state.data, "doc": key})
                return
        self.not_understood(ctx, state)

    async def _on_document(self, ctx: Context, state: ConversationState) -> None:
        if not ctx.pressed(NOT_YET):
            self.reprompt(ctx, state, ctx.msg(NOT_A_DOCUMENT))
            return
        claim = await _claim(ctx, state)
        key = str(state.data["doc"])
        await service.put_document(ctx.uow, ctx.account, claim, key, None, ctx.now)
        lead = ctx.msg(MARKED, document=_doc_name(ctx, key))
        await self.go(ctx, state, "saved", lead=lead, data=await _refresh(ctx, state))

    async def _on_review(self, ctx: Context, state: ConversationState) -> None:
        if not ctx.pressed(SUBMIT):
            self.not_understood(ctx, state)
            return
        claim = await _claim(ctx, state)
        retiree = await ctx.uow.retirees.get(claim.retiree_id)
        assert retiree is not None
        await service.submit(ctx.uow, ctx.account, claim, ctx.now)
        done = ctx.msg(SUBMITTED, reference=spoken_reference(claim.reference))
        await self.go(ctx, state, "submitted", lead=join(done, _money_text(ctx, claim, retiree)))

    async def on_media(self, ctx: Context, state: ConversationState) -> bool:
        """A photo or PDF at the document step is that document; anything else there gets a clear word."""
        event = ctx.event
        if state.step == "phone" and event.kind is EventKind.CONTACT and event.phone:
            await self._on_phone(ctx, state, event.phone)
            return True
        if state.step != "document":
            return False
        kind = event.kind
        if kind not in (EventKind.PHOTO, EventKind.DOCUMENT) or not event.file_id:
            self.reprompt(ctx, state, ctx.msg(NOT_A_DOCUMENT))
            return True
        if event.file_size is not None and event.file_size > MAX_DOCUMENT_BYTES:
            self.reprompt(ctx, state, ctx.msg(TOO_BIG))
            return True
        if kind is EventKind.DOCUMENT and event.mime_type != "application/pdf":
            self.reprompt(ctx, state, ctx.msg(NOT_PDF))
            return True
        file_type = FileType.PHOTO if kind is EventKind.PHOTO else FileType.PDF
        claim = await _claim(ctx, state)
        key = str(state.data["doc"])
        await service.put_document(
            ctx.uow, ctx.account, claim, key, (event.file_id, file_type, event.file_size), ctx.now
        )
        lead = ctx.msg(RECEIVED, document=_doc_name(ctx, key))
        await self.go(ctx, state, "saved", lead=lead, data=await _refresh(ctx, state))
        return True


def _doc_name(ctx: Context, key: object) -> str:
    rules = ctx.profile.region.claims
    spec = rules.spec(str(key)) if rules else None
    return spec.name(ctx.t.locale) if spec else str(key)


def _doc_names_all(ctx: Context, key: str) -> list[str]:
    rules = ctx.profile.region.claims
    spec = rules.spec(key) if rules else None
    return list(spec.names.values()) if spec else [key]


async def _claim(ctx: Context, state: ConversationState) -> Claim:
    claim, _ = await service.claim_for(ctx.uow, ctx.account, int(state.data["claim_id"]))
    return claim


async def _documents_data(ctx: Context, claim: Claim, retiree: Retiree) -> dict[str, Any]:
    rules = ctx.profile.region.claims
    checklist = [d.key for d in rules.checklist(claim.applicant_is_recipient)] if rules else []
    documents = await ctx.uow.claims.documents(claim.id)
    present = [d.kind for d in documents if d.state is DocumentState.PRESENT]
    return {
        "claim_id": claim.id,
        "retiree_id": retiree.id,
        "name": retiree.name,
        "checklist": checklist,
        "present": present,
    }


async def _refresh(ctx: Context, state: ConversationState) -> dict[str, Any]:
    claim, retiree = await service.claim_for(ctx.uow, ctx.account, int(state.data["claim_id"]))
    return await _documents_data(ctx, claim, retiree)


def _money_text(ctx: Context, claim: Claim, retiree: Retiree) -> str:
    """The estimate in plain words (or to ask the office), and any pension paid after the death."""
    parts = []
    estimate = service.estimate(ctx.profile.region, retiree, claim)
    if (
        estimate is None
        or estimate.total is None
        or estimate.funeral_grant is None
        or estimate.survivor_benefit is None
    ):
        parts.append(ctx.msg(ESTIMATE_UNKNOWN))
    else:
        parts.append(
            ctx.msg(
                ESTIMATE,
                funeral=str(estimate.funeral_grant),
                survivor=str(estimate.survivor_benefit),
                total=str(estimate.total),
            )
        )
    owed = service.overpaid(claim)
    if owed is not None and owed.months > 0:
        office = ctx.profile.region.value("social_insurance_office", ctx.t.locale) or ""
        amount = f" (CNY {owed.amount})" if owed.amount is not None else ""
        parts.append(ctx.msg(OVERPAID, months=owed.months, amount=amount, office=office))
    return join(*parts)


async def on_media(ctx: Context) -> bool:
    """A photo or file from anywhere: ours only at the document step of this flow."""
    if ctx.state is None or ctx.state.flow != MACHINE.flow:
        return False
    return await DeathReportFlow().on_media(ctx, ctx.state)
