"""The first question for someone new: retiree or family member?"""

from __future__ import annotations

from bot.domain.conversation import ConversationState
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.context import Context, Prompt
from bot.flows.machine import Machine

MACHINE = Machine(
    "start",
    initial="role",
    transitions={
        "role": {
            "retiree": "@retiree_registration",
            "family": "@family_registration",
            "language": "@language",
        },
    },
)


class StartFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        keyboard = ctx.reply_keyboard(
            [[buttons.I_AM_RETIREE], [buttons.I_AM_FAMILY], [buttons.LANGUAGE, buttons.ASK_PERSON]]
        )
        return Prompt(ctx.render("welcome.html.j2"), keyboard)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(buttons.I_AM_RETIREE, buttons.I_AM_FAMILY, buttons.LANGUAGE)
        if choice == buttons.I_AM_RETIREE:
            await self.go(ctx, state, "retiree")
        elif choice == buttons.I_AM_FAMILY:
            await self.go(ctx, state, "family")
        elif choice == buttons.LANGUAGE:
            await self.go(ctx, state, "language")
        else:
            self.not_understood(ctx, state)
