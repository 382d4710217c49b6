"""Staff change an activity's time or place, from its card: the new time (read as the creation flow reads
it) or "Keep the time", the new place or "Keep the place", a summary to confirm; everyone signed up or
waiting is told."""

from __future__ import annotations

from datetime import datetime

from bot.domain.activities import Activity, parse_when
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.flows.notices import IN_THE_PAST, NOT_A_TIME, TOO_LONG, words
from bot.i18n import N_
from bot.services import activities, notices

KEEP_TIME = N_("Keep the time")
KEEP_PLACE = N_("Keep the place")
CONFIRM = N_("✅ Change it and tell everyone")

WHEN_PROMPT = N_(
    "%(title)s starts %(when)s. When should it start now? For example 2025-06-01 09:30 or 6月1日 9点30, "
    "or press “Keep the time”."
)
PLACE_PROMPT = N_("It takes place at %(place)s. Where should it be now? Type it, or press “Keep the place”.")
CONFIRM_PROMPT = N_(
    "%(title)s: new time %(when)s, new place %(place)s. Everyone signed up or waiting will be told. "
    "Change it?"
)
BEFORE_DEADLINE = N_("Sign-up closes %(deadline)s; the activity cannot start before that.")
NOTHING_CHANGED = N_("The time and the place are as they were: nothing to tell anyone.")
CHANGED = N_("Changed. %(n)s people are told.")
GONE = N_("This activity was cancelled or is no longer yours to change.")

MACHINE = Machine(
    "reschedule",
    initial="when",
    transitions={
        "when": {"next": "place", "back": END},
        "place": {"next": "confirm", "back": "when"},
        "confirm": {"done": END, "back": "place"},
    },
)


async def editable(ctx: Context, activity_id: int) -> Activity | None:
    """The activity, when this staff member may change it (their units', not cancelled)."""
    if ctx.account.role is not AccountRole.STAFF:
        return None
    activity = await ctx.uow.activities.get(activity_id)
    if activity is None or activity.cancelled:
        return None
    if not await notices.may_send_to(ctx.uow, ctx.account, activity.unit_id):
        return None
    return activity


class RescheduleFlow(Flow):
    machine = MACHINE

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        # Entered from an activity's card (`start`), never on its own.
        await ctx.router.show_menu(ctx, lead)

    async def start(self, ctx: Context, activity: Activity) -> None:
        data = {
            "activity": activity.id,
            "title": activity.title,
            "place": activity.place,
            "current": activity.starts_at.isoformat(),
        }
        self.enter(ctx, "when", data)

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        data = state.data
        w = words(ctx)
        if state.step == "when":
            text = ctx.msg(WHEN_PROMPT, title=data["title"], when=w.when(ctx.t, _iso(data["current"])))
            return Prompt(text, ctx.reply_keyboard([[KEEP_TIME], *self.step_rows()]))
        if state.step == "place":
            text = ctx.msg(PLACE_PROMPT, place=data["place"])
            return Prompt(text, ctx.reply_keyboard([[KEEP_PLACE], *self.step_rows()]))
        when = w.when(ctx.t, _iso(data["when"]))
        text = ctx.msg(CONFIRM_PROMPT, title=data["title"], when=when, place=data["new_place"])
        return Prompt(text, ctx.reply_keyboard([[CONFIRM], *self.step_rows()]))

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back")
            return
        activity = await editable(ctx, int(state.data["activity"]))
        if activity is None:
            ctx.state = None
            await ctx.router.show_menu(ctx, ctx.msg(GONE))
            return
        if state.step == "when":
            await self._on_when(ctx, state, activity)
        elif state.step == "place":
            await self._on_place(ctx, state)
        elif ctx.pressed(CONFIRM):
            await self._confirm(ctx, state, activity)
        elif not await ctx.router.follow_menu_button(ctx):
            self.not_understood(ctx, state)

    async def _on_when(self, ctx: Context, state: ConversationState, activity: Activity) -> None:
        data = dict(state.data)
        if ctx.pressed(KEEP_TIME):
            data["when"] = activity.starts_at.isoformat()
            await self.go(ctx, state, "next", data=data)
            return
        tz = ctx.profile.calendar.tz
        moment = parse_when(ctx.text.strip(), ctx.now.astimezone(tz).date(), tz)
        problem: str | None = None
        if moment is None:
            problem = ctx.msg(NOT_A_TIME)
        elif moment <= ctx.now:
            problem = ctx.msg(IN_THE_PAST)
        elif moment <= activity.signup_deadline:
            deadline = words(ctx).when(ctx.t, activity.signup_deadline)
            problem = ctx.msg(BEFORE_DEADLINE, deadline=deadline)
        if problem is not None or moment is None:
            if not await ctx.router.follow_menu_button(ctx):
                self.reprompt(ctx, state, problem)
            return
        data["when"] = moment.isoformat()
        await self.go(ctx, state, "next", data=data)

    async def _on_place(self, ctx: Context, state: ConversationState) -> None:
        data = dict(state.data)
        text = ctx.text.strip()
        if ctx.pressed(KEEP_PLACE):
            data["new_place"] = data["place"]
        elif not text or len(text) > 200:
            if not await ctx.router.follow_menu_button(ctx):
                self.reprompt(ctx, state, ctx.msg(TOO_LONG))
            return
        elif await ctx.router.follow_menu_button(ctx):
            return
        else:
            data["new_place"] = text
        await self.go(ctx, state, "next", data=data)

    async def _confirm(self, ctx: Context, state: ConversationState, activity: Activity) -> None:
        starts_at, place = _iso(state.data["when"]), str(state.data["new_place"])
        if starts_at == activity.starts_at and place == activity.place:
            await self.go(ctx, state, "done", lead=ctx.msg(NOTHING_CHANGED))
            return
        told = await activities.reschedule(
            ctx.uow, activity, starts_at, place, ctx.account.id, ctx.now, words(ctx)
        )
        await self.go(ctx, state, "done", lead=ctx.msg(CHANGED, n=told))


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text)
