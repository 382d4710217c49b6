"""Choosing the language: on first contact when Telegram does not tell it, and by /language at any time."""

from __future__ import annotations

from bot.actions import ReplyKeyboard
from bot.domain.conversation import ConversationState
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import LANGUAGE_NAMES, LOCALES, N_

CHOOSE = N_("Please choose your language.")
CHOSEN = N_("From now on I will write in English.")

MACHINE = Machine(
    "language",
    initial="choose",
    transitions={"choose": {"chosen": END, "back": END}},
)


class LanguageFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        # Shown in every language at once: the user may not read the current one.
        text = "\n".join(ctx.i18n.translator(locale).gettext(CHOOSE) for locale in LOCALES)
        rows: list[tuple[str, ...]] = [(LANGUAGE_NAMES[locale],) for locale in LOCALES]
        rows.append((ctx.label(buttons.BACK), ctx.label(buttons.ASK_PERSON)))
        return Prompt(text, ReplyKeyboard(tuple(rows)))

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back")
            return
        typed = ctx.typed_label
        chosen = next(
            (loc for loc, name in LANGUAGE_NAMES.items() if buttons.normalise_label(name) == typed), None
        )
        if chosen is None:
            self.not_understood(ctx, state)
            return
        await ctx.uow.accounts.set_locale(ctx.account.id, chosen)
        ctx.use_locale(chosen)
        await self.go(ctx, state, "chosen", lead=ctx.msg(CHOSEN))
