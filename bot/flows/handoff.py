"""Staff answering retirees' questions, and the list of questions the bot could not answer.

A staff member presses "Answer" under a question (a notice the bot sent them), types the reply, and it is
relayed to the asker. The list of unanswered questions is paged with inline buttons.
"""

from __future__ import annotations

import math

from bot.actions import Button, EditText, InlineKeyboard
from bot.callbacks import AnswerQuestionButton, UnansweredPage
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.rendering import clip
from bot.services import questions

PAGE_SIZE = 8

STAFF_QUESTIONS = N_("❓ Unanswered questions")
TYPE_ANSWER = N_(
    "Type your answer to this question; it will be sent to the person who asked:\n<i>%(question)s</i>"
)
ANSWER_SENT = N_("Thank you: your answer has been sent.")
ALREADY_ANSWERED = N_("This question has already been answered.")
NOT_YOURS = N_("This question belongs to another unit.")
PREVIOUS = N_("◀ Previous")
NEXT = N_("Next ▶")

MACHINE = Machine(
    "handoff",
    initial="answer",
    transitions={"answer": {"answered": END, "back": END, "main_menu": END}},
)


class HandoffFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        return Prompt(
            ctx.msg(TYPE_ANSWER, question=clip(str(state.data.get("text", "")), 300)),
            ctx.reply_keyboard([[buttons.BACK, buttons.MAIN_MENU]]),
        )

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK, buttons.MAIN_MENU):
            await self.go(ctx, state, "back")
            return
        reply = ctx.text.strip()
        if not reply:
            self.not_understood(ctx, state)
            return
        answered = await questions.answer(
            ctx.uow, ctx.renderer, ctx.i18n, int(state.data["q"]), ctx.account, reply, ctx.now
        )
        await self.go(ctx, state, "answered", lead=ctx.msg(ANSWER_SENT if answered else ALREADY_ANSWERED))


@handles(UnansweredPage)
async def on_unanswered_page(ctx: Context, button: UnansweredPage) -> bool:
    if ctx.account.role is not AccountRole.STAFF:
        return False
    await show_unanswered(ctx, button.page, edit=True)
    return True


@handles(AnswerQuestionButton)
async def on_answer_question(ctx: Context, button: AnswerQuestionButton) -> bool:
    if ctx.account.role is not AccountRole.STAFF:
        return False
    question = await ctx.uow.questions.get(button.question_id)
    if question is None:
        return False
    if question.answer is not None:
        ctx.send(ctx.msg(ALREADY_ANSWERED))
        return True
    if not await questions.may_answer(ctx.uow, ctx.account, question):
        ctx.send(ctx.msg(NOT_YOURS))
        return True
    HandoffFlow().enter(ctx, "answer", {"q": question.id, "text": question.text[:300]})
    return True


async def show_unanswered(ctx: Context, page: int = 0, *, edit: bool = False) -> None:
    total = await ctx.uow.questions.count_unanswered()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = [
        (questions.local_time(ctx.t, item.at, ctx.profile.calendar.tz), item.text)
        for item in await ctx.uow.questions.unanswered(page * PAGE_SIZE, PAGE_SIZE)
    ]
    text = ctx.render("unanswered_list.html.j2", items=items, page=page + 1, pages=pages)
    nav = []
    if page > 0:
        nav.append(Button(ctx.label(PREVIOUS), UnansweredPage(page - 1).pack()))
    if page + 1 < pages:
        nav.append(Button(ctx.label(NEXT), UnansweredPage(page + 1).pack()))
    keyboard = InlineKeyboard((tuple(nav),)) if nav else None
    if edit and ctx.event.message_id is not None:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, text, keyboard))
    else:
        ctx.send(text, keyboard)
