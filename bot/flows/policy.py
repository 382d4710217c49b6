"""Policy questions: a question typed in the retiree's own words gets a short sourced answer with a "More"
button, or an honest "I don't know" with the offer of a person.

A person and the way back are the reply keyboard's big "Ask a person" and "Main menu" buttons (at the main
menu, its own keyboard), always on screen: an answer does not repeat them as inline buttons. The flow's one
step waits for questions; free text typed at the main menu is answered the same way and enters this step,
so that "Ask a person" knows which question to pass on. The last few questions are kept in the conversation
state for that (never in callback data, which carries only opaque numbers).
"""

from __future__ import annotations

import zlib
from typing import Any

from bot.actions import Button, InlineKeyboard, Keyboard
from bot.callbacks import AnswerButton
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole
from bot.domain.resident_id import mask_id_numbers
from bot.flows import buttons, small_talk
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.flows.personal_questions import asks_own_certification
from bot.flows.scam_warning import WARNING, looks_like_a_scam
from bot.i18n import N_
from bot.knowledge.answerer import Answer, Answerer, SourceRef, passage_in
from bot.knowledge.model import Entry
from bot.services import questions

RECENT = 3
QUESTION_CHARS = 500

ASK_PROMPT = N_(
    "Type your question in your own words, for example: “When is the yearly certification?” "
    "or “What papers do we need for the funeral grant?”"
)
MORE = N_("📄 More")
HANDED_OFF = N_(
    "Your question has been passed to the staff of %(unit)s. Their answer will come here in this chat."
)
NO_STAFF = N_(
    "No staff member of your community is connected to this bot yet. Please contact your community office."
)
NOT_REGISTERED = N_("Please register first (send /start), so that I know which community office to ask.")
TYPE_FOR_PERSON = N_(
    "Please type your question in one message. I will pass it to your community's staff, and their answer "
    "will come here in this chat."
)

MACHINE = Machine(
    "policy",
    initial="ask",
    transitions={
        "ask": {
            "question": "ask",
            "more": "ask",
            "ask_person": "ask",
            "ask_person_first": "for_person",
            "main_menu": END,
            "menu_button": END,
        },
        # "Ask a person" pressed before any question: the next message goes to staff as it is.
        "for_person": {"question": "ask", "main_menu": END, "menu_button": END},
    },
)

_LANG_CODES = {"zh_Hans": "s", "zh_Hant": "t", "en": "e"}
_CODE_LANGS = {v: k for k, v in _LANG_CODES.items()}


def entry_key(entry_id: str) -> str:
    """A short opaque key for an entry in callback data."""
    return format(zlib.crc32(entry_id.encode()), "08x")


async def _answerer(ctx: Context) -> Answerer:
    return await ctx.knowledge.get()


def source_line(source: SourceRef) -> str:
    parts = [source.title, source.issuer, source.date, source.section]
    return ", ".join(part for part in parts if part)


def _keyboard(ctx: Context, answer: Answer) -> InlineKeyboard | None:
    """The answer's "More" button, when there is more to show. "Ask a person" and "Main menu" are on the
    reply keyboard under it: inline copies of them would offer the same two buttons twice."""
    if not answer.has_more or answer.handoff:
        return None
    lang = _LANG_CODES.get(answer.language, "s")
    if answer.entry_id is not None:
        button = AnswerButton("m", entry_key(answer.entry_id), lang)
    elif answer.passage_id is not None:
        button = AnswerButton("p", str(answer.passage_id), lang)
    else:
        return None
    return InlineKeyboard(((Button(ctx.label(MORE), button.pack()),),))


def _remember(ctx: Context, text: str, language: str) -> int:
    """Keep the question in the policy step's state; returns its number for the Ask-a-person button."""
    data: dict[str, Any] = dict(ctx.state.data) if ctx.state and ctx.state.flow == MACHINE.flow else {}
    recent = [r for r in data.get("recent", []) if isinstance(r, list) and len(r) == 3][-(RECENT - 1) :]
    number = int(data.get("n", 0)) + 1
    # The state is stored: an ID number typed in a question is kept only masked.
    recent.append([number, mask_id_numbers(text[:QUESTION_CHARS]), language])
    ctx.state = ConversationState(MACHINE.flow, "ask", {"recent": recent, "n": number})
    return number


async def answer_question(ctx: Context, text: str) -> None:
    """Answer `text` and stay ready for the next question."""
    if looks_like_a_scam(text):
        # Before anything the documents might say about stopped payments; staff can check it too.
        _remember(ctx, text, ctx.t.locale)
        ctx.send(ctx.msg(WARNING))
        return
    polite = small_talk.reply_to(text)
    if polite is not None:
        # Under the keyboard already on screen: the user stays where they are.
        ctx.send(ctx.msg(polite))
        return
    if ctx.account.is_retiree_or_family and asks_own_certification(text):
        # Their own status, which the bot knows, rather than the documents' account of the procedure.
        await ctx.router.begin(ctx, "certification")
        return
    answerer = await _answerer(ctx)
    answer = answerer.answer(text)
    _remember(ctx, text, answer.language)
    t = ctx.i18n.translator(answer.language)
    if answer.handoff:
        await questions.log_unanswered(
            ctx.uow, text, answer.language, answer.reason or "", answer.confidence, ctx.now
        )
        ctx.send(
            ctx.renderer.render(t, "policy_dont_know.html.j2", text=answer.text),
            _keyboard(ctx, answer),
        )
        return
    body = ctx.renderer.render(
        t,
        "policy_answer.html.j2",
        answer=answer.text,
        source="; ".join(source_line(s) for s in answer.sources),
        missing=bool(answer.missing_values),
    )
    ctx.send(body, _keyboard(ctx, answer))


def _prompt(ctx: Context, step: str) -> Prompt:
    if step == "for_person":
        return Prompt(ctx.msg(TYPE_FOR_PERSON), ctx.reply_keyboard([[buttons.MAIN_MENU]]))
    return Prompt(ctx.msg(ASK_PROMPT), ctx.reply_keyboard([[buttons.MAIN_MENU], [buttons.ASK_PERSON]]))


class PolicyFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        return _prompt(ctx, state.step)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        text = ctx.text.strip()
        if ctx.pressed(buttons.BACK, buttons.MAIN_MENU):
            await self.go(ctx, state, "main_menu")
        elif not text:
            self.not_understood(ctx, state)
        elif await ctx.router.follow_menu_button(ctx):
            return
        elif state.step == "for_person":
            # The for_person keyboard has no "Ask a person": the ask step's comes back with the reply.
            keyboard = _prompt(ctx, "ask").keyboard
            await _hand_over(ctx, text[:QUESTION_CHARS], ctx.t.locale, state.data, keyboard)
        else:
            await answer_question(ctx, text)


@handles(AnswerButton)
async def on_answer_button(ctx: Context, button: AnswerButton) -> bool:
    """An answer's button, whatever step the chat is at now; False when stale. Answers no longer carry
    "Ask a person" (h) and "Main menu" (menu) buttons; those of answers sent before still work."""
    language = _CODE_LANGS.get(button.lang or "", "zh_Hans")
    if button.action == "menu" and button.ref is None:
        await ctx.router.show_menu(ctx)
        return True
    if button.action == "m" and button.ref and button.lang:
        return await _more(ctx, button.ref, language)
    if button.action == "p" and button.ref and button.ref.isdigit() and button.lang:
        return await _passage(ctx, int(button.ref), language)
    if button.action == "h" and button.ref and button.ref.isdigit() and button.lang is None:
        return await _ask_person(ctx, int(button.ref))
    return False


async def _more(ctx: Context, key: str, language: str) -> bool:
    answerer = await _answerer(ctx)
    entry: Entry | None = next((e for e in answerer.kb.entries if entry_key(e.id) == key), None)
    if entry is None:
        return False
    text, missing = answerer.more(entry, language)
    label = answerer.region_label(entry, ctx.i18n.translator(language))
    body = ctx.renderer.render(
        ctx.i18n.translator(language),
        "policy_answer.html.j2",
        answer=f"{label} {text}" if label else text,
        source=source_line(answerer.source_ref(entry, language)),
        missing=bool(missing),
    )
    ctx.send(body)
    return True


async def _passage(ctx: Context, passage_id: int, language: str) -> bool:
    answerer = await _answerer(ctx)
    found = next((p for p in answerer.passages if p.id == passage_id), None)
    if found is None:
        return False
    passage = passage_in(found, language)
    body = ctx.renderer.render(
        ctx.i18n.translator(language),
        "policy_answer.html.j2",
        answer=passage.text[:3000],
        source=source_line(SourceRef(passage.title, passage.section)),
        missing=False,
    )
    ctx.send(body)
    return True


def _last_question(ctx: Context) -> int | None:
    """The number of the latest question, while it has not been passed on yet.

    Once it has gone to staff, an older question is not sent in its place: a second press of "Ask a
    person" would pass on a question the user had moved on from. It asks for the next message instead."""
    if ctx.state is None or ctx.state.flow != MACHINE.flow:
        return None
    latest = ctx.state.data.get("n")
    recent = ctx.state.data.get("recent") or []
    return latest if isinstance(latest, int) and any(r and r[0] == latest for r in recent) else None


async def ask_person_pressed(ctx: Context) -> bool:
    """The big "Ask a person" button: while asking questions the latest question goes to staff, or, with
    none asked yet, the next message will; a retiree or family member at the main menu is asked for that
    message too. False elsewhere (the caller shows the contacts and the chat keeps its place)."""
    state = ctx.state
    if ctx.account.role is AccountRole.NEW:
        return False
    if state is None:
        if not ctx.account.is_retiree_or_family:
            return False
        PolicyFlow().enter(ctx, "for_person", {})
        return True
    if state.flow != MACHINE.flow:
        return False
    if state.step == "ask":
        latest = _last_question(ctx)
        if latest is not None:
            return await _ask_person(ctx, latest)
        step = MACHINE.next(state.step, "ask_person_first")
        state = ctx.state = ConversationState(MACHINE.flow, step, dict(state.data))
    ctx.send_prompt(_prompt(ctx, state.step))
    return True


async def _ask_person(ctx: Context, number: int) -> bool:
    if ctx.state is None or ctx.state.flow != MACHINE.flow:
        return False
    found = next((r for r in ctx.state.data.get("recent", []) if r and r[0] == number), None)
    if found is None:
        return False
    if ctx.account.role is AccountRole.NEW:
        ctx.send(ctx.msg(NOT_REGISTERED))
        return True
    _, text, language = found
    # Forget it: a second press of the same button must not send the question twice.
    remaining = [r for r in ctx.state.data.get("recent", []) if r and r[0] != number]
    await _hand_over(ctx, text, language, {**ctx.state.data, "recent": remaining})
    return True


async def _hand_over(
    ctx: Context, text: str, language: str, data: dict[str, Any], keyboard: Keyboard | None = None
) -> None:
    """Pass `text` to the staff of the asker's community; the chat goes back to asking questions (with
    `keyboard`, when the one on screen is not the ask step's)."""
    ctx.state = ConversationState(MACHINE.flow, "ask", data)
    handed = await questions.hand_off(ctx.uow, ctx.account, text, language, ctx.now)
    if not handed.recipients:
        ctx.send(ctx.msg(NO_STAFF), keyboard)
        return
    await questions.notify_staff(
        ctx.uow, ctx.renderer, ctx.i18n, handed.question, handed.recipients, ctx.profile.calendar.tz
    )
    unit = handed.unit.name if handed.unit else ""
    ctx.send(ctx.msg(HANDED_OFF, unit=unit), keyboard)
