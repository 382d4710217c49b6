"""The framework-neutral heart of the bot: one Event in, a list of Actions out, in one unit of work."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence

from bot import callbacks
from bot.actions import Action, AnswerCallback, SendText
from bot.domain.conversation import ConversationState, Turn
from bot.domain.people import AccountRole
from bot.events import Event, EventKind
from bot.flows import (
    buttons,
    callback_dispatch,
    certification,
    death_report,
    id_guard,
    menu,
    policy,
    wording,
)
from bot.flows.base import Flow
from bot.flows.command_menu import command_menu
from bot.flows.context import Context, Prompt, join
from bot.flows.registry import FLOWS, FlowRouter
from bot.i18n import N_, I18n, Translator, match_locale
from bot.knowledge.provider import KnowledgeProvider
from bot.ports import Clock, StorageUnavailable, UnitOfWork, UnitOfWorkFactory
from bot.rendering import Renderer, html_message
from bot.services import staff_invites
from bot.services.certification_profile import CertificationProfile

log = logging.getLogger(__name__)

INVITE_INVALID = N_(
    "This invitation link is not valid: it may have been used already or have expired. "
    "Please ask your administrator for a new one."
)
WELCOME_BACK = N_("Welcome back!")
# Telegram allows 64 bytes of callback data; anything longer is not ours.


class BotCore:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        id_hash_key: bytes,
        i18n: I18n,
        profile: CertificationProfile,
        knowledge: KnowledgeProvider,
    ) -> None:
        if not id_hash_key:
            raise ValueError("id_hash_key must not be empty")
        self._uow_factory = uow_factory
        self._clock = clock
        self._id_hash_key = id_hash_key
        self._i18n = i18n
        self._renderer = Renderer(i18n)
        self._router = FlowRouter()
        self._knowledge = knowledge
        self._profile = profile

    @property
    def i18n(self) -> I18n:
        return self._i18n

    async def warm_up(self) -> None:
        """Load the knowledge base now, so that the first person to ask a question does not wait for it."""
        await self._knowledge.get()

    def command_menu(self) -> Mapping[str, Sequence[tuple[str, str]]]:
        """The commands to register with Telegram, per language."""
        return command_menu(self._i18n, self._i18n.default_locale)

    async def handle(self, event: Event) -> list[Action]:
        locale = self._i18n.for_language_code(event.language_code).locale
        where = "-"
        try:
            async with self._uow_factory() as uow:
                if event.kind in (EventKind.BLOCKED, EventKind.UNBLOCKED):
                    actions = await self._membership(uow, event)
                elif event.chat_type != "private":
                    if not await uow.updates.claim(event.update_id, self._clock.now()):
                        return []
                    actions = self._private_only(event, self._i18n.translator(locale))
                else:
                    turn = await uow.open_turn(
                        event.update_id, self._clock.now(), event.user_id, event.chat_id, locale
                    )
                    if turn is None:
                        return []
                    ctx = self._context(uow, event, turn)
                    locale = ctx.t.locale
                    where = f"{ctx.state.flow}/{ctx.state.step}" if ctx.state else "menu"
                    await self._dispatch(ctx)
                    await self._store_state(ctx)
                    actions = ctx.actions
                await uow.commit()
        except StorageUnavailable:
            # Not handled, not claimed, no apology: the transport keeps the update and tries it again
            # once the database answers (handlers/pipeline.py).
            raise
        except Exception as exc:
            # Only the code path is logged: the exception's message may quote what the user typed.
            log.error(
                "update %s failed at %s: %s\n%s",
                event.update_id,
                where,
                type(exc).__name__,
                _code_path(exc),
            )
            await self._claim_after_failure(event)
            actions = self._failure(event, self._i18n.translator(locale))
        return _answer_callback(event, actions)

    async def _membership(self, uow: UnitOfWork, event: Event) -> list[Action]:
        """Blocked: nothing more is sent to them, and broadcasts count them; back: they are reachable."""
        if await uow.updates.claim(event.update_id, self._clock.now()):
            account = await uow.accounts.get_by_telegram_user(event.user_id)
            if account is not None:
                await uow.accounts.set_unreachable(account.id, event.kind is EventKind.BLOCKED)
        return []

    # --- setting up -------------------------------------------------------------------------------

    def _context(self, uow: UnitOfWork, event: Event, turn: Turn) -> Context:
        account, state = turn.account, turn.state
        if state is not None and state.flow not in FLOWS:
            state = None  # a flow from an older version of the bot: start afresh rather than fail
        return Context(
            event=event,
            uow=uow,
            account=account,
            i18n=self._i18n,
            t=self._i18n.translator(account.locale),
            renderer=self._renderer,
            router=self._router,
            now=self._clock.now(),
            id_hash_key=self._id_hash_key,
            state=state,
            knowledge=self._knowledge,
            profile=self._profile,
        )

    async def _store_state(self, ctx: Context) -> None:
        if ctx.state is None:
            await ctx.uow.conversations.clear(ctx.event.chat_id, ctx.event.user_id)
        else:
            await ctx.uow.conversations.save(ctx.event.chat_id, ctx.event.user_id, ctx.state)

    async def _claim_after_failure(self, event: Event) -> None:
        """Mark a failed update as handled, so a redelivery does not repeat the failure and the apology."""
        try:
            async with self._uow_factory() as uow:
                await uow.updates.claim(event.update_id, self._clock.now())
                await uow.commit()
        except Exception:
            log.exception("could not record failed update %s", event.update_id)

    # --- routing ----------------------------------------------------------------------------------

    async def _dispatch(self, ctx: Context) -> None:
        """Route the update; a resident ID number typed where no step reads one is first taken out of the
        chat and out of the text the flows see, and the reply says so."""
        state = ctx.state
        if state is not None and state.step in FLOWS[state.flow].id_number_steps:
            await self._route(ctx)
            return
        withheld = id_guard.withhold(ctx)
        if withheld is None:
            await self._route(ctx)
        elif withheld.only_the_number and ctx.event.kind is EventKind.TEXT:
            hint = FLOWS[state.flow].id_number_hints.get(state.step) if state is not None else None
            await self._reprompt(ctx, join(withheld.note, ctx.msg(hint) if hint else None))
        else:
            await self._route(ctx)
            id_guard.say_why(ctx, withheld.note)

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        if event.kind is EventKind.CALLBACK:
            await self._on_callback(ctx)
        elif event.kind is EventKind.COMMAND:
            await self._on_command(ctx)
        elif event.kind is not EventKind.TEXT:
            if ctx.state is not None and await FLOWS[ctx.state.flow].on_media(ctx, ctx.state):
                return
            if not await certification.on_media(ctx) and not await death_report.on_media(ctx):
                await self._reprompt(ctx, wording.unsupported_content(ctx))
        elif ctx.pressed(buttons.MAIN_MENU):
            await self._router.show_menu(ctx)
        elif ctx.pressed(buttons.ASK_PERSON):
            if not await policy.ask_person_pressed(ctx):
                await self._reprompt(ctx, await wording.contact_lead(ctx))
        elif ctx.state is not None:
            await FLOWS[ctx.state.flow].on_text(ctx, ctx.state)
        elif ctx.account.role is AccountRole.NEW:
            # No state yet (e.g. the first message is not /start): treat it as an answer to "who are you?".
            await FLOWS["start"].on_text(ctx, ConversationState("start", "role", {}))
        else:
            await menu.on_text(ctx)

    async def _on_command(self, ctx: Context) -> None:
        command = (ctx.event.command or "").lower().lstrip("/").split("@", 1)[0]
        if command == "start":
            await self._on_start(ctx)
        elif command == "help":
            if ctx.state is None and ctx.account.role is not AccountRole.NEW:
                ctx.send(menu.help_text(ctx), (await menu.menu_prompt(ctx)).keyboard)
            else:
                await self._reprompt(ctx, menu.help_text(ctx))
        elif command in ("menu", "cancel"):
            lead = ctx.msg(wording.CANCELLED) if command == "cancel" and ctx.state is not None else None
            await self._router.show_menu(ctx, lead)
        elif command == "language":
            await self._router.begin(ctx, "language")
        else:
            await self._reprompt(ctx, ctx.msg(wording.UNKNOWN_COMMAND))

    async def _on_start(self, ctx: Context) -> None:
        ctx.state = None
        payload = ctx.event.text.strip()
        if payload:
            redeemed = await staff_invites.redeem_invite(ctx.uow, payload, ctx.account, ctx.now)
            if redeemed is None:
                await self._router.show_menu(ctx, ctx.msg(INVITE_INVALID))
                return
            ctx.account = (await ctx.uow.accounts.get(ctx.account.id)) or ctx.account
            lead = ctx.render(
                "staff_welcome.html.j2",
                unit=redeemed.unit.name,
                role=wording.staff_role(ctx, redeemed.role),
            )
            await self._router.show_menu(ctx, lead)
        elif ctx.account.role is not AccountRole.NEW:
            await self._router.show_menu(ctx, ctx.msg(WELCOME_BACK))
        elif match_locale(ctx.event.language_code) is None:
            await self._router.begin(ctx, "language")
        else:
            await self._router.begin(ctx, "start")

    async def _on_callback(self, ctx: Context) -> None:
        # Every kind of button has one handler, whatever step the chat is at: a reminder or an answer
        # arrives whatever the chat was doing, and a handler tied to a step checks the step itself.
        payload = callbacks.parse(ctx.event.callback_data or "")
        if payload is None or not await callback_dispatch.dispatch(ctx, payload):
            assert ctx.event.callback_id is not None
            ctx.actions.append(AnswerCallback(ctx.event.callback_id, ctx.label(wording.STALE_BUTTON)))
            await self._reprompt(ctx, ctx.msg(wording.STALE_BUTTON))

    async def _reprompt(self, ctx: Context, lead: str) -> None:
        """Say `lead`, then repeat the current question (or the menu) with its keyboard."""
        prompt: Prompt
        if ctx.state is not None:
            flow: Flow = FLOWS[ctx.state.flow]
            prompt = flow.prompt(ctx, ctx.state)
        elif ctx.account.role is AccountRole.NEW:
            state = ConversationState("start", "role", {})
            ctx.state = state
            prompt = FLOWS["start"].prompt(ctx, state)
        else:
            prompt = await menu.menu_prompt(ctx)
        ctx.send_prompt(prompt, lead)

    # --- replies without a flow -------------------------------------------------------------------

    @staticmethod
    def _private_only(event: Event, t: Translator) -> list[Action]:
        if event.kind is EventKind.CALLBACK:
            return []
        return [SendText(event.chat_id, html_message(t, wording.PRIVATE_ONLY))]

    @staticmethod
    def _failure(event: Event, t: Translator) -> list[Action]:
        return [SendText(event.chat_id, html_message(t, wording.SOMETHING_WRONG))]


def _code_path(exc: BaseException) -> str:
    """Where the exception passed, as file:line in function: no source lines, no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    return "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames)


def _answer_callback(event: Event, actions: list[Action]) -> list[Action]:
    """Every callback query is answered, so that the user's button stops spinning."""
    if event.kind is not EventKind.CALLBACK or event.callback_id is None:
        return actions
    if any(isinstance(a, AnswerCallback) for a in actions):
        return actions
    return [AnswerCallback(event.callback_id), *actions]
