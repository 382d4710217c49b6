"""Activities for the people who come: the buttons under a notice (sign up, with a companion, can't come),
a freed place offered to them, 🎉 My activities with a way to cancel; and for staff, an activity's card:
who is coming (paged), exports, attendance, one more place, and cancelling it. No conversation state."""

from __future__ import annotations

from bot.actions import AnswerCallback, Button, EditText, InlineKeyboard, SendDocument
from bot.callbacks import ActivityButton, StaffActivityButton
from bot.domain.activities import Activity, SignupOutcome, SignupStatus
from bot.domain.people import AccountRole
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context
from bot.flows.notices import words
from bot.flows.reschedule import RescheduleFlow
from bot.i18n import N_
from bot.services import activities as service
from bot.services import notices

PAGE = 20

SIGNED_UP = N_("You are signed up for %(title)s. See you there!")
SIGNED_UP_PLUS = N_("You and your companion are signed up for %(title)s. See you there!")
WAITLISTED = N_(
    "%(title)s is full. You are number %(n)s on the waiting list; we will tell you when a place frees up."
)
ALREADY = N_("You are already signed up.")
ALREADY_WAITING = N_("You are already on the waiting list, number %(n)s.")
CLOSED = N_("Sign-up for this activity has closed.")
GONE = N_("This activity was cancelled or is over.")
NOT_FOR_YOU = N_("This activity is for other participants. Please ask your community staff.")
THANKS_NOT_COMING = N_("Thank you for letting us know.")
CANCELLED_MINE = N_("Your place is cancelled. Thank you for letting us know.")
TAKEN = N_("The place is yours. See you there!")
OFFER_GONE = N_("This offer has run out, sorry.")
LET_GO = N_("Thank you. The place goes to the next person waiting.")
STATUS_CONFIRMED = N_("✅ You are coming")
STATUS_OFFERED = N_("🔔 A place is offered to you")
STATUS_WAITING = N_("⏳ Waiting list, number %(n)s")
LIST = N_("👥 Who is coming")
EXPORT_CSV = N_("⬇ CSV")
EXPORT_XLSX = N_("⬇ Excel")
ATTENDANCE = N_("☑ Attendance")
ONE_MORE = N_("➕ One more place")
CANCEL_ACTIVITY = N_("🚫 Cancel the activity")
CHANGE = N_("🕒 Change time or place")
CONFIRM_CANCEL = N_("🚫 Yes, cancel it and tell everyone")
MORE = N_("Next ➡")
CARD = N_("⬅ Back to the activity")
ACTIVITY_CANCELLED = N_("The activity is cancelled; everyone signed up is told.")
MORE_PLACES = N_("One more place: now %(n)s.")
SURE = N_("Cancel %(title)s? Everyone signed up or waiting is told.")


def _answer(ctx: Context, text: str) -> None:
    if ctx.event.callback_id is not None:
        ctx.actions.append(AnswerCallback(ctx.event.callback_id, ctx.label(text) if text else None))


@handles(ActivityButton)
async def on_activity_button(ctx: Context, button: ActivityButton) -> bool:
    if not ctx.account.is_retiree_or_family:
        return False
    w = words(ctx)
    rules = ctx.profile.region.activities
    if button.action in ("s", "p"):
        outcome = await service.sign_up(
            ctx.uow, ctx.account, button.target, 1 if button.action == "p" else 0, ctx.now
        )
        ctx.send(await _outcome_text(ctx, button.target, outcome))
        return True
    if button.action == "n":
        if not await service.cant_come(ctx.uow, ctx.account, button.target, ctx.now, w, rules):
            ctx.send(ctx.msg(GONE))
        else:
            ctx.send(ctx.msg(THANKS_NOT_COMING))
        return True
    signup = await ctx.uow.activities.get_signup(button.target)
    if signup is None or signup.account_id != ctx.account.id:
        return False
    if button.action == "x":
        done = await service.withdraw(ctx.uow, signup, SignupStatus.CANCELLED, ctx.now, w, rules)
        ctx.send(ctx.msg(CANCELLED_MINE if done else GONE))
    elif button.action == "a":
        taken = await service.accept_offer(ctx.uow, ctx.account, signup.id, ctx.now)
        ctx.send(ctx.msg(TAKEN if taken else OFFER_GONE))
    else:
        done = signup.status is SignupStatus.OFFERED and await service.withdraw(
            ctx.uow, signup, SignupStatus.DECLINED, ctx.now, w, rules
        )
        ctx.send(ctx.msg(LET_GO if done else OFFER_GONE))
    if ctx.event.message_id is not None and button.action in ("a", "d"):
        ctx.actions.append(
            EditText(ctx.chat_id, ctx.event.message_id, ctx.msg(TAKEN if button.action == "a" else LET_GO))
        )
    return True


async def _outcome_text(ctx: Context, activity_id: int, outcome: SignupOutcome | service.Refused) -> str:
    if isinstance(outcome, service.Refused):
        return ctx.msg({"gone": GONE, "closed": CLOSED, "not_for_you": NOT_FOR_YOU}[outcome.reason.value])
    activity = await ctx.uow.activities.get(activity_id)
    title = activity.title if activity else ""
    if outcome.already:
        if outcome.status is SignupStatus.WAITLISTED:
            return ctx.msg(ALREADY_WAITING, n=outcome.position)
        return ctx.msg(ALREADY)
    if outcome.status is SignupStatus.WAITLISTED:
        return ctx.msg(WAITLISTED, title=title, n=outcome.position)
    return ctx.msg(SIGNED_UP_PLUS if outcome.signup.companions else SIGNED_UP, title=title)


async def my_activities(ctx: Context) -> tuple[str, InlineKeyboard | None]:
    """🎉 for retirees and families: what they signed up for, each with a button to cancel."""
    mine = await ctx.uow.activities.for_account(ctx.account.id, ctx.now)
    w = words(ctx)
    shown = []
    rows = []
    for item in mine:
        status = {
            SignupStatus.CONFIRMED: ctx.msg(STATUS_CONFIRMED),
            SignupStatus.OFFERED: ctx.msg(STATUS_OFFERED),
        }.get(item.signup.status) or ctx.msg(STATUS_WAITING, n=item.position)
        shown.append(
            {
                "title": item.activity.title,
                "when": w.when(ctx.t, item.activity.starts_at),
                "place": item.activity.place,
                "status": status,
            }
        )
        label = f"{ctx.label(service_cancel_label())} · {item.activity.title}"
        rows.append((Button(label[:60], ActivityButton("x", item.signup.id).pack()),))
    text = ctx.render("my_activities.html.j2", activities=shown)
    return text, InlineKeyboard(tuple(rows)) if rows else None


def service_cancel_label() -> str:
    return CANCEL_MINE_SHORT


CANCEL_MINE_SHORT = N_("❌ Cancel")


# --- staff ------------------------------------------------------------------------------------------


async def _staff_activity(ctx: Context, activity_id: int) -> Activity | None:
    if ctx.account.role is not AccountRole.STAFF:
        return None
    activity = await ctx.uow.activities.get(activity_id)
    if activity is None or not await notices.may_send_to(ctx.uow, ctx.account, activity.unit_id):
        return None
    return activity


async def card(ctx: Context, activity: Activity) -> tuple[str, InlineKeyboard]:
    counts = {s: len(await ctx.uow.activities.people(activity.id, [s])) for s in SignupStatus}
    w = words(ctx)
    text = ctx.render(
        "activity_card.html.j2",
        **w.details(ctx.t, activity),
        taken=activity.taken,
        cancelled=activity.cancelled,
        confirmed=counts[SignupStatus.CONFIRMED],
        offered=counts[SignupStatus.OFFERED],
        waiting=counts[SignupStatus.WAITLISTED],
    )
    a = activity.id
    rows: list[tuple[Button, ...]] = [
        (
            Button(ctx.label(LIST), StaffActivityButton("l", a, 0).pack()),
            Button(ctx.label(ATTENDANCE), StaffActivityButton("m", a, 0).pack()),
        ),
        (
            Button(ctx.label(EXPORT_CSV), StaffActivityButton("c", a).pack()),
            Button(ctx.label(EXPORT_XLSX), StaffActivityButton("e", a).pack()),
        ),
    ]
    if not activity.cancelled:
        if activity.capacity is not None:
            rows.append((Button(ctx.label(ONE_MORE), StaffActivityButton("+", a).pack()),))
        rows.append((Button(ctx.label(CHANGE), StaffActivityButton("r", a).pack()),))
        rows.append((Button(ctx.label(CANCEL_ACTIVITY), StaffActivityButton("X", a).pack()),))
    return text, InlineKeyboard(tuple(rows))


@handles(StaffActivityButton)
async def on_staff_activity_button(ctx: Context, button: StaffActivityButton) -> bool:
    activity = await _staff_activity(ctx, button.activity_id)
    message_id = ctx.event.message_id
    if activity is None or message_id is None:
        return False
    w = words(ctx)
    rules = ctx.profile.region.activities
    if button.action == "v":
        ctx.send(*await card(ctx, activity))
    elif button.action in ("l", "m", "t"):
        if button.action == "t" and button.detail is not None:
            signup = await ctx.uow.activities.get_signup(button.detail)
            if signup is None or signup.activity_id != activity.id:
                return False
            await ctx.uow.activities.mark_attended(signup.id, not signup.attended)
            page = 0
        else:
            page = button.detail or 0
        text, keyboard = await _people_page(ctx, activity, page, attendance=button.action != "l")
        if button.action == "t":
            ctx.actions.append(EditText(ctx.chat_id, message_id, text, keyboard))
        else:
            ctx.send(text, keyboard)
    elif button.action in ("c", "e"):
        kind = "csv" if button.action == "c" else "xlsx"
        content = await service.export(ctx.uow, activity, kind)
        ctx.actions.append(SendDocument(ctx.chat_id, f"activity-{activity.id}.{kind}", content))
    elif button.action == "+" and activity.capacity is not None and not activity.cancelled:
        await service.set_capacity(ctx.uow, activity, activity.capacity + 1, ctx.now, w, rules)
        _answer(ctx, "")
        changed = await ctx.uow.activities.get(activity.id) or activity
        text, keyboard = await card(ctx, changed)
        ctx.actions.append(EditText(ctx.chat_id, message_id, text, keyboard))
    elif button.action == "X" and not activity.cancelled:
        sure = InlineKeyboard(
            (
                (Button(ctx.label(CONFIRM_CANCEL), StaffActivityButton("y", activity.id).pack()),),
                (Button(ctx.label(CARD), StaffActivityButton("v", activity.id).pack()),),
            )
        )
        ctx.send(ctx.msg(SURE, title=activity.title), sure)
    elif button.action == "r" and not activity.cancelled:
        await RescheduleFlow().start(ctx, activity)
    elif button.action == "y" and not activity.cancelled:
        await service.cancel(ctx.uow, activity, ctx.account.id, ctx.now, w)
        ctx.actions.append(EditText(ctx.chat_id, message_id, ctx.msg(ACTIVITY_CANCELLED)))
    else:
        return False
    return True


async def _people_page(
    ctx: Context, activity: Activity, page: int, *, attendance: bool
) -> tuple[str, InlineKeyboard]:
    attendees, total = await ctx.uow.activities.attendees(activity.id, page * PAGE, PAGE)
    people = [
        {
            "n": page * PAGE + i + 1,
            "name": a.name,
            "family": a.family,
            "phone": a.phone,
            "companions": a.companions,
            "status": _status_label(ctx, a.status, a.position),
            "attended": a.attended,
        }
        for i, a in enumerate(attendees)
    ]
    text = ctx.render(
        "activity_people.html.j2",
        title=activity.title,
        people=people,
        first=min(total, page * PAGE + 1),
        last=page * PAGE + len(attendees),
        total=total,
    )
    rows: list[tuple[Button, ...]] = []
    if attendance:
        rows.extend(
            (
                Button(
                    ("☑ " if a.attended else "☐ ") + f"{page * PAGE + i + 1}. {a.name}"[:50],
                    StaffActivityButton("t", activity.id, a.signup_id).pack(),
                ),
            )
            for i, a in enumerate(attendees)
            if a.status is SignupStatus.CONFIRMED
        )
    if (page + 1) * PAGE < total:
        rows.append(
            (
                Button(
                    ctx.label(MORE),
                    StaffActivityButton("m" if attendance else "l", activity.id, page + 1).pack(),
                ),
            )
        )
    rows.append((Button(ctx.label(CARD), StaffActivityButton("v", activity.id).pack()),))
    return text, InlineKeyboard(tuple(rows))


def _status_label(ctx: Context, status: SignupStatus, position: int | None) -> str:
    if status is SignupStatus.WAITLISTED:
        return ctx.msg(STATUS_WAITING, n=position)
    return ctx.msg(STATUS_OFFERED if status is SignupStatus.OFFERED else STATUS_CONFIRMED)
