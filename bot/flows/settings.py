"""Settings: the language, who the bot thinks I am, another retiree a family member looks after, and
unlinking the account."""

from __future__ import annotations

import secrets

from bot.actions import AnswerCallback, Button, EditText, InlineKeyboard
from bot.domain.records import ConversationState
from bot.flows import buttons, wording
from bot.flows.base import CALLBACK_VERSION, Flow
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
PRESS_YES_OR_NO = N_("Please press “Yes” or “No” in the message above.")

CALLBACK_TAG = "ul"

MACHINE = Machine(
    "settings",
    initial="menu",
    transitions={
        "menu": {
            "language": "@language",
            "whoami": "menu",
            "add_retiree": "@family_registration",
            "unlink": "confirm_unlink",
            "back": END,
        },
        "confirm_unlink": {"yes": END, "no": "menu", "back": "menu"},
    },
)


class SettingsFlow(Flow):
    machine = MACHINE

    def _menu_rows(self, ctx: Context) -> list[list[str]]:
        # Staff leave a unit through its administrator, not by themselves, and look after no one here.
        registered = ctx.account.is_retiree_or_family
        return [
            [buttons.LANGUAGE, buttons.WHO_AM_I],
            # Both parents, or a retiree's spouse: an account may look after more than one retiree.
            [buttons.ADD_RETIREE] if registered else [],
            [buttons.UNLINK] if registered else [],
            [buttons.MAIN_MENU, buttons.ASK_PERSON],
        ]

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        if state.step == "menu":
            return Prompt(ctx.msg(SETTINGS_PROMPT), ctx.reply_keyboard(self._menu_rows(ctx)))
        nonce = str(state.data["nonce"])
        keyboard = InlineKeyboard(
            (
                (Button(ctx.label(YES_UNLINK), _callback(nonce, "y")),),
                (Button(ctx.label(NO_KEEP), _callback(nonce, "n")),),
            )
        )
        return Prompt(ctx.msg(CONFIRM_UNLINK), keyboard)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if state.step == "confirm_unlink":
            if ctx.pressed(buttons.BACK):
                await self.go(ctx, state, "back", data={})
            elif ctx.pressed(buttons.LANGUAGE, buttons.WHO_AM_I, buttons.ADD_RETIREE, buttons.UNLINK):
                # The settings keyboard is still on screen under the question: its buttons still work.
                await self._on_menu(ctx, ConversationState(self.name, "menu", {}))
            else:
                self.reprompt(ctx, state, ctx.msg(PRESS_YES_OR_NO))
        else:
            await self._on_menu(ctx, state)

    async def _on_menu(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(
            buttons.LANGUAGE, buttons.WHO_AM_I, buttons.ADD_RETIREE, buttons.UNLINK, buttons.BACK
        )
        if choice == buttons.LANGUAGE:
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

    async def on_callback(self, ctx: Context, state: ConversationState, parts: list[str]) -> bool:
        if (
            state.step != "confirm_unlink"
            or len(parts) != 4
            or parts[1] != CALLBACK_TAG
            or not secrets.compare_digest(parts[2], str(state.data.get("nonce", "")))
            or parts[3] not in ("y", "n")
            or ctx.event.callback_id is None
            or ctx.event.message_id is None
        ):
            return False
        ctx.actions.append(AnswerCallback(ctx.event.callback_id))
        if parts[3] == "y":
            await accounts.unlink(ctx.uow, ctx.account, ctx.now)
            ctx.account = (await ctx.uow.accounts.get(ctx.account.id)) or ctx.account
            ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, ctx.msg(UNLINKED)))
            await self.go(ctx, state, "yes", data={})
        else:
            ctx.actions.append(EditText(ctx.chat_id, ctx.event.message_id, ctx.msg(KEPT)))
            await self.go(ctx, state, "no", data={})
        return True


def _callback(nonce: str, choice: str) -> str:
    return f"{CALLBACK_VERSION}:{CALLBACK_TAG}:{nonce}:{choice}"


async def _whoami(ctx: Context) -> str:
    profile = await accounts.profile(ctx.uow, ctx.account)
    return ctx.render(
        "whoami.html.j2",
        retiree=profile.retiree,
        family=[(f.retiree.name, wording.relation(ctx, f.relation)) for f in profile.family],
        staff=[(s.unit.name, wording.staff_role(ctx, s.role)) for s in profile.staff],
        community=profile.community.name if profile.community else None,
    )
