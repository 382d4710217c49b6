"""The main menus: for retirees and families, and for staff. No conversation state: being here is the
absence of one."""

from __future__ import annotations

from bot.domain.people import AccountRole
from bot.flows import activities, buttons, deliveries, handoff, policy, wording
from bot.flows.base import PRESS_A_BUTTON
from bot.flows.context import Context, Prompt
from bot.flows.machine import Machine
from bot.services import accounts

# Not persisted (the menu has no state); declared for the diagram and to keep the menus' choices in one place.
MACHINE = Machine(
    "menu",
    initial="main",
    transitions={
        "main": {
            "policy": "@policy",
            "certification": "@certification",
            "death_benefit": "@death_report",
            "activities": "main",
            "help": "main",
            "typed_text": "main",
            "settings": "@settings",
            "language": "@language",
        },
        "staff": {
            "unit": "staff",
            "questions": "staff",
            "deliveries": "staff",
            "notices": "@notices",
            "certification": "@staff_certification",
            "claims": "@staff_claims",
            "help": "staff",
            "settings": "@settings",
            "language": "@language",
        },
    },
)

MAIN_ROWS = [
    [buttons.POLICY, buttons.CERTIFICATION],
    [buttons.DEATH_BENEFIT, buttons.ACTIVITIES],
    [buttons.ASK_PERSON, buttons.SETTINGS],
    [buttons.HELP],
]
STAFF_ROWS = [
    [buttons.STAFF_UNIT, buttons.STAFF_NOTICES],
    [buttons.STAFF_CERTIFICATION, buttons.STAFF_CLAIMS],
    [handoff.STAFF_QUESTIONS, deliveries.STAFF_DELIVERIES],
    [buttons.SETTINGS, buttons.ASK_PERSON],
    [buttons.HELP],
]
# Every label of the main menus: pressed while a question is awaited, they still do what they say.
MENU_LABELS = tuple(label for row in (*MAIN_ROWS, *STAFF_ROWS) for label in row)


async def menu_prompt(ctx: Context) -> Prompt:
    """The menu of a registered account (callers send new accounts to the start flow instead)."""
    if ctx.account.role is AccountRole.STAFF:
        return Prompt(await _staff_text(ctx), ctx.reply_keyboard(STAFF_ROWS))
    return Prompt(ctx.render("menu.html.j2"), ctx.reply_keyboard(MAIN_ROWS))


async def _staff_text(ctx: Context) -> str:
    profile = await accounts.profile(ctx.uow, ctx.account)
    units = [(s.unit.name, wording.staff_role(ctx, s.role)) for s in profile.staff]
    return ctx.render("staff_menu.html.j2", units=units)


async def show(ctx: Context, lead: str | None = None) -> None:
    ctx.send_prompt(await menu_prompt(ctx), lead)


async def follow_menu_button(ctx: Context) -> bool:
    """A main-menu button pressed (or its label typed) inside a flow whose step does not expect it: the
    menu's keyboard may still be showing, so it leaves the flow and does what it says. False when the text
    is no such label."""
    if not ctx.pressed(*MENU_LABELS):
        return False
    ctx.state = None
    await on_text(ctx)
    return True


async def on_text(ctx: Context) -> None:
    """A message while at the menu of a registered account."""
    staff = ctx.account.role is AccountRole.STAFF
    choice = ctx.pressed(
        buttons.HELP,
        buttons.SETTINGS,
        buttons.STAFF_UNIT,
        buttons.LANGUAGE,
        buttons.POLICY,
        handoff.STAFF_QUESTIONS,
        deliveries.STAFF_DELIVERIES,
        buttons.CERTIFICATION,
        buttons.STAFF_CERTIFICATION,
        buttons.STAFF_CLAIMS,
        buttons.DEATH_BENEFIT,
        buttons.ACTIVITIES,
        buttons.STAFF_NOTICES,
    )
    if choice == buttons.POLICY:
        await ctx.router.begin(ctx, "policy")
    elif choice == buttons.CERTIFICATION and not staff:
        await ctx.router.begin(ctx, "certification")
    elif choice == buttons.DEATH_BENEFIT and not staff:
        await ctx.router.begin(ctx, "death_report")
    elif choice == buttons.STAFF_CERTIFICATION and staff:
        await ctx.router.begin(ctx, "staff_certification")
    elif choice == buttons.STAFF_NOTICES and staff:
        await ctx.router.begin(ctx, "notices")
    elif choice == buttons.ACTIVITIES and not staff:
        text, keyboard = await activities.my_activities(ctx)
        ctx.send(text, keyboard)
        await show(ctx)
    elif choice == buttons.STAFF_CLAIMS and staff:
        await ctx.router.begin(ctx, "staff_claims")
    elif choice == handoff.STAFF_QUESTIONS and staff:
        await handoff.show_unanswered(ctx)
    elif choice == deliveries.STAFF_DELIVERIES and staff:
        ctx.send(await deliveries.report(ctx), (await menu_prompt(ctx)).keyboard)
    elif choice == buttons.HELP:
        # The help already carries the safety line: send it alone, under the menu keyboard.
        ctx.send(help_text(ctx), (await menu_prompt(ctx)).keyboard)
    elif choice == buttons.SETTINGS:
        await ctx.router.begin(ctx, "settings")
    elif choice == buttons.LANGUAGE:
        await ctx.router.begin(ctx, "language")
    elif choice == buttons.STAFF_UNIT and staff:
        await show(ctx)
    elif not staff and ctx.text.strip() and not ctx.text.startswith("/"):
        await policy.answer_question(ctx, ctx.text.strip())
    else:
        await show(ctx, ctx.msg(PRESS_A_BUTTON))


def help_text(ctx: Context) -> str:
    return ctx.render(
        "help.html.j2", main_menu=ctx.label(buttons.MAIN_MENU), ask_person=ctx.label(buttons.ASK_PERSON)
    )
