"""A retiree identifies themself: name, then ID number, matched against the roster."""

from __future__ import annotations

from bot.domain.conversation import ConversationState
from bot.domain.people import Retiree
from bot.flows import buttons, identify
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import registration

ASK_NAME = N_("Please type your full name, as written on your ID card.")

MACHINE = Machine(
    "retiree_registration",
    initial="name",
    transitions={
        "name": {"name_given": "id_number", "back": "@start", "locked": END},
        "id_number": {
            "invalid": "id_number",
            "not_found": "id_number",
            "matched": END,
            "locked": END,
            "back": "name",
        },
    },
)


class RetireeRegistrationFlow(identify.IdentifyingFlow):
    machine = MACHINE
    purpose = "retiree"
    allow_deceased = False

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        keyboard = ctx.reply_keyboard(self.step_rows())
        if state.step == "name":
            return Prompt(ctx.msg(ASK_NAME), keyboard)
        return Prompt(ctx.render("id_prompt.html.j2", name=state.data["name"], for_family=False), keyboard)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back", data={})
        elif state.step == "name":
            await self._on_name(ctx, state)
        else:
            await self._on_id(ctx, state)

    async def on_match(self, ctx: Context, state: ConversationState, retiree: Retiree) -> None:
        await registration.bind_retiree(ctx.uow, ctx.account.id, retiree, ctx.now)
        ctx.account = (await ctx.uow.accounts.get(ctx.account.id)) or ctx.account
        lead = ctx.render("registered.html.j2", name=retiree.name)
        await self.go(ctx, state, "matched", lead=lead, data={})
