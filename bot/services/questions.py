"""Questions handed to people: routing to the right staff, their answers, escalation, and the log of what
the bot could not answer.

Notices to staff and to the asker are proactive messages: they are queued in the outbox in the same unit of
work as the state change that causes them, and sent by the delivery job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Button, InlineKeyboard
from bot.callbacks import AnswerQuestionButton
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import Account, OrgUnit, StaffRole, UnitKind
from bot.domain.questions import Question, QuestionStatus
from bot.domain.resident_id import mask_id_numbers
from bot.i18n import N_, I18n, Translator
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.rendering import Renderer
from bot.services import accounts

ANSWER = N_("✍️ Answer")
ESCALATE_AFTER = timedelta(hours=24)
LOG_LIMIT = 200
# Runs of digits long enough to be an ID or phone number, with an ID number's final check letter.
_NUMBERS = re.compile(r"\d[\d\s-]{5,}\d[xX]?")


@dataclass(frozen=True, slots=True)
class HandOff:
    question: Question
    recipients: Sequence[Account]
    unit: OrgUnit | None


def scrub(text: str) -> str:
    """The question without what could identify someone (ID and phone numbers), shortened for the log."""
    # ID numbers masked first: _NUMBERS alone misses their groups when split by a full-width hyphen.
    cleaned = " ".join(_NUMBERS.sub("…", mask_id_numbers(text)).split())
    return cleaned if len(cleaned) <= LOG_LIMIT else cleaned[: LOG_LIMIT - 1] + "…"


async def log_unanswered(
    uow: UnitOfWork, text: str, language: str, reason: str, confidence: float, now: datetime
) -> None:
    await uow.questions.log_unanswered(scrub(text), language, reason, confidence, now)


async def _answering_staff(uow: UnitOfWork, unit: OrgUnit | None) -> tuple[OrgUnit | None, list[Account]]:
    """The staff of the unit, or if it has none, of the nearest unit above it that has some."""
    if unit is None:
        return None, []
    for candidate in (unit, *await uow.units.ancestors(unit.id)):
        staff = [a for a in await uow.questions.staff_of(candidate.id) if not a.unreachable]
        if staff:
            return candidate, staff
    return unit, []


async def hand_off(uow: UnitOfWork, account: Account, text: str, language: str, now: datetime) -> HandOff:
    """Record the question for a person to answer; returns who should get it."""
    profile = await accounts.profile(uow, account)
    retiree = profile.retiree or (profile.family[0].retiree if profile.family else None)
    unit, staff = await _answering_staff(uow, profile.community)
    question = await uow.questions.add(
        account.id,
        retiree.id if retiree else None,
        unit.id if unit else None,
        mask_id_numbers(text),
        language,
        now,
    )
    return HandOff(question, staff, unit)


def local_time(t: Translator, when: datetime, tz: ZoneInfo) -> str:
    """`when` on the region's clock (TIMEZONE): stored times are UTC, staff read Beijing time."""
    return t.format_datetime(when, "short", tzinfo=tz)


def answer_keyboard(label: str, question_id: int) -> InlineKeyboard:
    return InlineKeyboard(((Button(label, AnswerQuestionButton("a", question_id).pack()),),))


async def asker_details(uow: UnitOfWork, question: Question) -> tuple[str, str]:
    """(name, community) to show staff: the retiree's own, or for a family member the linked retiree's."""
    retiree = await uow.retirees.get(question.retiree_id) if question.retiree_id is not None else None
    community = await uow.units.get(retiree.community_id) if retiree is not None else None
    if community is None and question.unit_id is not None:
        community = await uow.units.get(question.unit_id)
    return (retiree.name if retiree else "—", community.name if community else "—")


async def notify_staff(
    uow: UnitOfWork,
    renderer: Renderer,
    i18n: I18n,
    question: Question,
    recipients: Sequence[Account],
    tz: ZoneInfo,
    *,
    escalated: bool = False,
) -> int:
    """Queue the question, with an Answer button, to each recipient in their own language."""
    name, community = await asker_details(uow, question)
    messages = []
    for staff in recipients:
        t = i18n.translator(staff.locale)
        text = renderer.render(
            t,
            "question_for_staff.html.j2",
            name=name,
            community=community,
            question=question.text,
            escalated=escalated,
            asked_at=local_time(t, question.created_at, tz),
        )
        messages.append(
            OutboxMessage(
                chat_id=staff.chat_id,
                account_id=staff.id,
                category=MessageCategory.NOTICE,
                dedupe_key=f"question:{question.id}:{'escalated' if escalated else 'asked'}:{staff.id}",
                text=text,
                keyboard=answer_keyboard(t.gettext(ANSWER), question.id),
            )
        )
    return await uow.outbox.enqueue_many(messages)


async def may_answer(uow: UnitOfWork, staff: Account, question: Question) -> bool:
    """Staff may answer questions of their own unit's subtree."""
    if question.unit_id is None:
        return False
    for membership in await uow.staff.memberships(staff.id):
        if question.unit_id in await uow.units.subtree_ids(membership.unit_id):
            return True
    return False


async def answer(
    uow: UnitOfWork,
    renderer: Renderer,
    i18n: I18n,
    question_id: int,
    staff: Account,
    text: str,
    now: datetime,
) -> Question | None:
    """Record the staff member's answer and queue it to the asker; None if it was answered already."""
    text = mask_id_numbers(text)  # stored and sent like the question: an ID number never in plain
    if not await uow.questions.answer(question_id, staff.id, text, now):
        return None
    question = await uow.questions.get(question_id)
    asker = await uow.accounts.get(question.asker_account_id) if question else None
    if question is None or asker is None:
        return question
    t = i18n.translator(asker.locale)
    await uow.outbox.enqueue(
        OutboxMessage(
            chat_id=asker.chat_id,
            account_id=asker.id,
            category=MessageCategory.NOTICE,
            dedupe_key=f"question:{question.id}:answer",
            text=renderer.render(t, "staff_answer.html.j2", question=question.text, answer=text),
        )
    )
    return question


async def escalate_overdue_questions(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    *,
    i18n: I18n,
    renderer: Renderer,
    tz: ZoneInfo,
) -> int:
    """Questions open for 24 hours go to the supervisors of the street above their community (or further
    up when the street has none, or when the street's staff had the question from the start). Idempotent:
    each question is escalated once. Returns how many were."""
    now = clock.now()
    escalated = 0
    async with uow_factory() as uow:
        for question in await uow.questions.overdue(now - ESCALATE_AFTER):
            if question.status is not QuestionStatus.OPEN:
                continue
            supervisors = await _supervisors_above(uow, question.unit_id)
            if supervisors:
                await notify_staff(uow, renderer, i18n, question, supervisors, tz, escalated=True)
            await uow.questions.mark_escalated(question.id, now)
            escalated += 1
        await uow.commit()
    return escalated


async def _supervisors_above(uow: UnitOfWork, unit_id: int | None) -> list[Account]:
    if unit_id is None:
        return []
    unit = await uow.units.get(unit_id)
    if unit is None:
        return []
    chain = [unit, *await uow.units.ancestors(unit.id)]
    # Every staff member of the question's own unit got it when it was asked: start at the street above a
    # community, or one level up when a street (or higher) answered for a community without staff.
    street = next((i for i, u in enumerate(chain) if u.kind is UnitKind.STREET), 0)
    for candidate in chain[max(street, 1) :]:
        found = await uow.questions.staff_of(candidate.id, (StaffRole.SUPERVISOR, StaffRole.ADMIN))
        # Like the hand-off itself: one who blocked the bot would never see it, so look further up.
        reachable = [a for a in found if not a.unreachable]
        if reachable:
            return reachable
    return []
