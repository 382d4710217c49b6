"""A family member links to a retiree: the retiree's name and ID number, then how they are related."""

from __future__ import annotations

from bot.domain.conversation import ConversationState
from bot.domain.family import Relation
from bot.domain.people import Retiree
from bot.flows import buttons, identify, wording
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import registration

ASK_NAME = N_("Please type the full name of the retiree you look after, as written on their ID card.")
ASK_RELATION = N_("How are you related to %(name)s? Please press a button.")

MACHINE = Machine(
    "family_registration",
    initial="name",
    transitions={
        # A new user goes back to choosing who they are; an account adding a retiree, to settings.
        "name": {"name_given": "id_number", "back": "@start", "back_to_settings": "@settings", "locked": END},
        "id_number": {
            "invalid": "id_number",
            "not_found": "id_number",
            "matched": "relation",
            "locked": END,
            "back": "name",
        },
        "relation": {"chosen": END, "back": "id_number"},
    },
)

RELATION_ROWS: list[list[Relation]] = [
    [Relation.SPOUSE, Relation.SON],
    [Relation.DAUGHTER, Relation.SON_IN_LAW],
    [Relation.DAUGHTER_IN_LAW, Relation.GRANDCHILD],
    [Relation.OTHER],
]


class FamilyRegistrationFlow(identify.IdentifyingFlow):
    machine = MACHINE
    purpose = "family"
    # A family may come to the bot because the retiree has died: that is when they need it most.
    allow_deceased = True

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        rows = self.step_rows()
        if state.step == "name":
            return Prompt(ctx.msg(ASK_NAME), ctx.reply_keyboard(rows))
        name = str(state.data["name"])
        if state.step == "id_number":
            text = ctx.render("id_prompt.html.j2", name=name, for_family=True)
            return Prompt(text, ctx.reply_keyboard(rows))
        relation_rows = [[buttons.RELATIONS[r] for r in row] for row in RELATION_ROWS]
        return Prompt(ctx.msg(ASK_RELATION, name=name), ctx.reply_keyboard(relation_rows + rows))

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK):
            # Going back from the relation forgets the match: the ID number is asked again.
            back_data = {"name": state.data["name"]} if state.step == "relation" else {}
            adding = state.step == "name" and ctx.account.is_retiree_or_family
            await self.go(ctx, state, "back_to_settings" if adding else "back", data=back_data)
        elif state.step == "name":
            await self._on_name(ctx, state)
        elif state.step == "id_number":
            await self._on_id(ctx, state)
        else:
            await self._on_relation(ctx, state)

    async def on_match(self, ctx: Context, state: ConversationState, retiree: Retiree) -> None:
        await self.go(ctx, state, "matched", data={"name": retiree.name, "retiree_id": retiree.id})

    async def _on_relation(self, ctx: Context, state: ConversationState) -> None:
        chosen = ctx.pressed(*buttons.RELATIONS.values())
        relation = next((r for r, label in buttons.RELATIONS.items() if label == chosen), None)
        if relation is None:
            self.not_understood(ctx, state)
            return
        retiree_id = int(state.data["retiree_id"])
        await registration.link_family(ctx.uow, ctx.account.id, retiree_id, relation, ctx.now)
        ctx.account = (await ctx.uow.accounts.get(ctx.account.id)) or ctx.account
        lead = ctx.render(
            "family_linked.html.j2", name=state.data["name"], relation=wording.relation(ctx, relation.value)
        )
        await self.go(ctx, state, "chosen", lead=lead, data={})
