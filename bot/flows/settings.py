"""Settings: the language, who the bot thinks I am, another retiree a family member looks after, and
unlinking the account."""

from __future__ import annotations

import secrets

from bot.actions import AnswerCallback, Button, EditText, InlineKeyboard
from bot.callbacks import UnlinkChoice
from bot.domain.conversation import ConversationState
from bot.flows import buttons, wording
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import accounts

SETTINGS_PROMPT = N_("Settings. What would you like to do?")
CONFIRM_UNLINK = N_(
    "Do you really want to unlink your account from this service? You can register again at any time."
)
YES_UNLINK = N_("Yes, unlink")
NO_KEEP = N_("No, keep it")
UNLINKED = N_("Your account is unlinked.")
KEPT = N_("Nothing was changed.")
NOTICES_NOW_OFF = N_(
    "Activity notices are off: you will not get community activity announcements. Certification, "
    "claims and personal messages still reach you; they are not optional."
)
NOTICES_NOW_ON = N_(
    "Activity notices are on. Certification, claims and personal messages reach you either way; they are "
    "not optional."
)
PRESS_YES_OR_NO = N_("Please press “Yes” or “No” in the message above.")


MACHINE = Machine(
    "settings",
    initial="menu",
    transitions={
        "menu": {
            "language": "@language",
            "whoami": "menu",
            "add_retiree": "@family_registration",
            "unlink": "confirm_unlink",
            "notices": "menu",
            "back": END,
        },
        "confirm_unlink": {"yes": END, "no": "menu", "back": "menu"},
    },
)


class SettingsFlow(Flow):
    machine = MACHINE

    def _menu_rows(self, ctx: Context, state: ConversationState) -> list[list[str]]:
        # Staff leave a unit through its administrator, not by themselves, and look after no one here.
        registered = ctx.account.is_retiree_or_family
        notices = buttons.NOTICES_OFF if state.data.get("notices_off") else buttons.NOTICES_ON
        return [
            [buttons.LANGUAGE, buttons.WHO_AM_I],
            [notices] if registered else [],
            # Both parents, or a retiree's spouse: an account may look after more than one retiree.
            [buttons.ADD_RETIREE] if registered else [],
            [buttons.UNLINK] if registered else [],
            [buttons.MAIN_MENU, buttons.ASK_PERSON],
        ]

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        if state.step == "menu":
            return Prompt(ctx.msg(SETTINGS_PROMPT), ctx.reply_keyboard(self._menu_rows(ctx, state)))
        nonce = str(state.data["nonce"])
        keyboard = InlineKeyboard(
            (
                (Button(ctx.label(YES_UNLINK), UnlinkChoice(nonce, "y").pack()),),
                (Button(ctx.label(NO_KEEP), UnlinkChoice(nonce, "n").pack()),),
            )
        )
        return Prompt(ctx.msg(CONFIRM_UNLINK), keyboard)

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        off = ctx.account.is_retiree_or_family and await ctx.uow.notices.opted_out(ctx.account.id)
        self.enter(ctx, self.machine.initial, {"notices_off": True} if off else {}, lead)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if state.step == "confirm_unlink":
            if ctx.pressed(buttons.BACK):
                await self.go(ctx, state, "back", data=_kept(state))
            elif ctx.pressed(
                buttons.LANGUAGE,
                buttons.WHO_AM_I,
                buttons.ADD_RETIREE,
                buttons.UNLINK,
                buttons.NOTICES_ON,
                buttons.NOTICES_OFF,
            ):
                # The settings keyboard is still on screen under the question: its buttons still work.
                await self._on_menu(ctx, ConversationState(self.name, "menu", {}))
            else:
                self.reprompt(ctx, state, ctx.msg(PRESS_YES_OR_NO))
        else:
            await self._on_menu(ctx, state)

    async def _on_menu(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(
            buttons.LANGUAGE,
            buttons.WHO_AM_I,
            buttons.ADD_RETIREE,
            buttons.UNLINK,
            buttons.BACK,
            buttons.NOTICES_ON,
            buttons.NOTICES_OFF,
        )
        if choice in (buttons.NOTICES_ON, buttons.NOTICES_OFF) and ctx.account.is_retiree_or_family:
            # The button shows the setting as it is; pressing it turns it the other way.
            off = not await ctx.uow.notices.opted_out(ctx.account.id)
            await ctx.uow.notices.set_opt_out(ctx.account.id, off)
            lead = ctx.msg(NOTICES_NOW_OFF if off else NOTICES_NOW_ON)
            await self.go(ctx, state, "notices", lead=lead, data={"notices_off": True} if off else {})
        elif choice == buttons.LANGUAGE:
            await self.go(ctx, state, "language")
        elif choice == buttons.WHO_AM_I:
            await self.go(ctx, state, "whoami", lead=await _whoami(ctx))
        elif choice == buttons.ADD_RETIREE and ctx.account.is_retiree_or_family:
            await self.go(ctx, state, "add_retiree")
        elif choice == buttons.UNLINK and ctx.account.is_retiree_or_family:
            await self.go(ctx, state, "unlink", data={"nonce": secrets.token_hex(4)})
        elif choice == buttons.BACK:
            await self.go(ctx, state, "back")
        else:
            self.not_understood(ctx, state)


@handles(UnlinkChoice)
async def on_unlink_choice(ctx: Context, button: UnlinkChoice) -> bool:
    """Yes or no to unlinking, while that question is the chat's current step (its nonce matches)."""
    state = ctx.state
    if (
        state is None
        or state.flow != SettingsFlow.machine.flow
        or state.step != "confirm_unlink"
        or not secrets.compare_digest(button.nonce, str(state.data.get("nonce", "")))
        or ctx.event.callback_id is None
        or ctx.event.message_id is None
    ):
        return False
    flow = SettingsFlow()
    ctx.actions.append(AnswerCallback(ctx.event.callback_id))
    if button.choice == "y":
        await accounts.unlink(ctx.uow, ctx.account, ctx.now)
        ctx.account = (await ctx.uow.accounts.get(ctx.account.id)) or ctx.account
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, ctx.msg(UNLINKED)))
        await flow.go(ctx, state, "yes", data={})
    else:
        ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, ctx.msg(KEPT)))
        await flow.go(ctx, state, "no", data=_kept(state))
    return True


async def _whoami(ctx: Context) -> str:
    profile = await accounts.profile(ctx.uow, ctx.account)
    return ctx.render(
        "whoami.html.j2",
        retiree=profile.retiree,
        family=[(f.retiree.name, wording.relation(ctx, f.relation)) for f in profile.family],
        staff=[(s.unit.name, wording.staff_role(ctx, s.role)) for s in profile.staff],
        community=profile.community.name if profile.community else None,
    )


def _kept(state: ConversationState) -> dict[str, object]:
    """What the settings menu shows that outlives a question (the nonce does not)."""
    return {"notices_off": True} if state.data.get("notices_off") else {}
