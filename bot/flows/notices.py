"""📢 for staff: a notice in a minute (the message as they would write it, the audience, the count, a
preview, send), a new activity (its details, then its notice), and the activities of their units."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.actions import Button, CopyMessage, EditText, InlineKeyboard
from bot.callbacks import NoticeButton, StaffActivityButton
from bot.domain.activities import (
    Activity,
    Audience,
    AudienceCount,
    AudienceFilter,
    AudienceSpec,
    MessageRef,
    NewActivity,
    Notice,
    NoticeStatus,
    parse_when,
)
from bot.domain.conversation import ConversationState
from bot.domain.outbox import Attachment, AttachmentKind, BatchProgress, MessageCategory, OutboxMessage
from bot.domain.people import AccountRole
from bot.events import EventKind
from bot.flows import buttons
from bot.flows.base import Flow
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_, Translator
from bot.services import activities
from bot.services import notices as service
from bot.services.activity_messages import ActivityWords

NEW_NOTICE = N_("📝 New notice")
NEW_ACTIVITY = N_("🎉 New activity")
OUR_ACTIVITIES = N_("📋 Our activities")
UNLIMITED = N_("Unlimited")
DAY_BEFORE = N_("The day before")
FOR_RETIREES = N_("Retirees")
FOR_FAMILIES = N_("Families")
FOR_BOTH = N_("Retirees and families")
YES = N_("Yes")
NO = N_("No")
EVERYONE = N_("Everyone")
LOCAL_ONLY = N_("Living locally")
AGED_80 = N_("Aged 80 and over")
SEND = N_("📤 Send")

MENU_PROMPT = N_("Notices and activities. What would you like to do?")
COMPOSE_PROMPT = N_(
    "Write the notice now, as you would write it to a friend: text, or a photo or document with a caption. "
    "Bold, italics and links are kept. People get exactly this message."
)
COMPOSE_ACTIVITY_PROMPT = N_(
    "Now write the activity's notice as people should read it (text, or a photo with a caption). "
    "The “Sign up” and “Can't come” buttons are added under it."
)
TITLE_PROMPT = N_("What is the activity called?")
WHEN_PROMPT = N_("When does it start? For example 2025-06-01 09:30 or 6月1日 9点30.")
PLACE_PROMPT = N_("Where does it take place?")
CAPACITY_PROMPT = N_("How many places are there? Type a number, or press “Unlimited”.")
DEADLINE_PROMPT = N_("Until when can people sign up? Type a date and time, or press “The day before”.")
WHO_PROMPT = N_("Who may come?")
COMPANIONS_PROMPT = N_("May each person bring a companion (who takes a place too)?")
NOT_A_TIME = N_("I could not read that as a date and time. Please write it like 2025-06-01 09:30.")
IN_THE_PAST = N_("That time has passed already. Please give a time in the future.")
NOT_A_NUMBER = N_("Please type a number of places, from 1 to 10000, or press “Unlimited”.")
AFTER_START = N_("Sign-up must close before the activity starts.")
TOO_LONG = N_("Please keep it under 200 characters.")
NOT_A_NOTICE = N_("Please send the notice as text, a photo or a document.")
NO_UNIT = N_("You are not staff of any unit, so there is nobody to send to.")
SENT_FOR_APPROVAL = N_(
    "The notice waits for a supervisor's approval. You will see its progress here once it is sent."
)
APPROVAL_REQUEST = N_(
    "A notice to a whole district waits for your approval: %(n)s people would get it. It is shown above."
)
APPROVED = N_("Approved: the notice is being sent.")
REJECTED = N_("Rejected: the notice is not sent.")
YOUR_NOTICE_REJECTED = N_("A supervisor did not approve your notice; it was not sent.")
STATE_SENDING = N_("sending")
STATE_DONE = N_("all sent")
STATE_CANCELLED = N_("cancelled")

WHO_LABELS = {Audience.RETIREES: FOR_RETIREES, Audience.FAMILIES: FOR_FAMILIES, Audience.BOTH: FOR_BOTH}
ONLY_LABELS = {
    AudienceFilter.ALL: EVERYONE,
    AudienceFilter.LOCAL: LOCAL_ONLY,
    AudienceFilter.AGED_80: AGED_80,
}
_WHO_CODES = {"r": Audience.RETIREES, "f": Audience.FAMILIES, "b": Audience.BOTH}

MACHINE = Machine(
    "notices",
    initial="menu",
    transitions={
        "menu": {"notice": "compose", "activity": "title", "list": "menu", "back": END},
        "title": {"next": "when", "back": "menu"},
        "when": {"next": "place", "back": "title"},
        "place": {"next": "capacity", "back": "when"},
        "capacity": {"next": "deadline", "back": "place"},
        "deadline": {"next": "who", "back": "capacity"},
        "who": {"next": "companions", "back": "deadline"},
        "companions": {"next": "compose", "back": "who"},
        "compose": {"composed": "audience", "back": "menu"},
        "audience": {"sent": END, "back": "compose"},
    },
)
_ASKS = {
    "title": TITLE_PROMPT,
    "when": WHEN_PROMPT,
    "place": PLACE_PROMPT,
    "capacity": CAPACITY_PROMPT,
    "deadline": DEADLINE_PROMPT,
    "who": WHO_PROMPT,
    "companions": COMPANIONS_PROMPT,
}


def words(ctx: Context) -> ActivityWords:
    return ActivityWords(ctx.i18n, ctx.renderer, ctx.profile.calendar.tz)


class NoticesFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        step = state.step
        if step == "menu":
            rows = [[NEW_NOTICE, NEW_ACTIVITY], [OUR_ACTIVITIES], [buttons.MAIN_MENU]]
            return Prompt(ctx.msg(MENU_PROMPT), ctx.reply_keyboard(rows))
        if step == "compose":
            ask = COMPOSE_ACTIVITY_PROMPT if "title" in state.data else COMPOSE_PROMPT
            return Prompt(ctx.msg(ask), ctx.reply_keyboard(self.step_rows()))
        if step == "audience":
            return Prompt(ctx.msg(service_hint()), ctx.reply_keyboard(self.step_rows()))
        extra: list[list[str]] = []
        if step == "capacity":
            extra = [[UNLIMITED]]
        elif step == "deadline":
            extra = [[DAY_BEFORE]]
        elif step == "who":
            extra = [[FOR_RETIREES, FOR_FAMILIES], [FOR_BOTH]]
        elif step == "companions":
            extra = [[YES, NO]]
        return Prompt(ctx.msg(_ASKS[step]), ctx.reply_keyboard([*extra, *self.step_rows()]))

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        if not (await service.staff_units(ctx.uow, ctx.account)).own:
            await ctx.router.show_menu(ctx, ctx.msg(NO_UNIT))
            return
        await super().begin(ctx, lead)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back")
            return
        if state.step == "menu":
            await self._on_menu(ctx, state)
        elif state.step == "compose":
            await self.on_media(ctx, state)
        elif state.step == "audience":
            self.reprompt(ctx, state)
        else:
            await self._on_detail(ctx, state)

    async def _on_menu(self, ctx: Context, state: ConversationState) -> None:
        choice = ctx.pressed(NEW_NOTICE, NEW_ACTIVITY, OUR_ACTIVITIES)
        if choice == NEW_NOTICE:
            await self.go(ctx, state, "notice", data={})
        elif choice == NEW_ACTIVITY:
            await self.go(ctx, state, "activity", data={})
        elif choice == OUR_ACTIVITIES:
            await show_our_activities(ctx)
            self.reprompt(ctx, state)
        elif not await ctx.router.follow_menu_button(ctx):
            self.not_understood(ctx, state)

    async def _on_detail(self, ctx: Context, state: ConversationState) -> None:
        data: dict[str, Any] = dict(state.data)
        text = ctx.text.strip()
        step = state.step
        tz = ctx.profile.calendar.tz
        problem: str | None = None
        if step in ("title", "place"):
            if not text or len(text) > 200:
                problem = TOO_LONG
            else:
                data[step] = text
        elif step == "when":
            moment = parse_when(text, ctx.now.astimezone(tz).date(), tz)
            if moment is None:
                problem = NOT_A_TIME
            elif moment <= ctx.now:
                problem = IN_THE_PAST
            else:
                data["when"] = moment.isoformat()
        elif step == "capacity":
            if ctx.pressed(UNLIMITED):
                data["capacity"] = None
            elif text.isdigit() and 1 <= int(text) <= 10000:
                data["capacity"] = int(text)
            else:
                problem = NOT_A_NUMBER
        elif step == "deadline":
            starts = _iso(data["when"])
            if ctx.pressed(DAY_BEFORE):
                deadline = starts - timedelta(days=1)
            else:
                parsed = parse_when(text, ctx.now.astimezone(tz).date(), tz, default_hour=20)
                if parsed is None:
                    problem = NOT_A_TIME
                deadline = parsed or starts
            if problem is None and deadline >= starts:
                problem = AFTER_START
            data["deadline"] = deadline.isoformat()
        elif step == "who":
            choice = ctx.pressed(FOR_RETIREES, FOR_FAMILIES, FOR_BOTH)
            found = next((a for a, label in WHO_LABELS.items() if label == choice), None)
            if found is None:
                self.not_understood(ctx, state)
                return
            data["who"] = found.value
        elif step == "companions":
            choice = ctx.pressed(YES, NO)
            if choice is None:
                self.not_understood(ctx, state)
                return
            data["companions"] = choice == YES
        if problem is not None:
            if await ctx.router.follow_menu_button(ctx):
                return
            self.reprompt(ctx, state, ctx.msg(problem))
            return
        await self.go(ctx, state, "next", data=data)

    async def on_media(self, ctx: Context, state: ConversationState) -> bool:
        """The notice itself, at the compose step: text, a photo or a document, copied as it is."""
        if state.step != "compose":
            return False
        kind = ctx.event.kind
        if kind not in (EventKind.TEXT, EventKind.PHOTO, EventKind.DOCUMENT) or ctx.event.message_id is None:
            self.reprompt(ctx, state, ctx.msg(NOT_A_NOTICE))
            return True
        if kind is EventKind.TEXT and await ctx.router.follow_menu_button(ctx):
            return True
        activity_id = None
        if "title" in state.data:
            activity = await _create_activity(ctx, state.data)
            activity_id = activity.id
        source = MessageRef(ctx.chat_id, ctx.event.message_id)
        notice = await service.start(ctx.uow, ctx.account, source, activity_id, ctx.now)
        if notice is None:
            await ctx.router.show_menu(ctx, ctx.msg(NO_UNIT))
            return True
        await self.go(ctx, state, "composed", data={"notice": notice.id})
        await _preview(ctx, notice)
        ctx.send(*await panel(ctx, notice))
        return True


CHOOSE_ABOVE = N_("Choose who gets it in the message above, then press “Send”.")


def service_hint() -> str:
    return CHOOSE_ABOVE


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _create_activity(ctx: Context, data: dict[str, Any]) -> Activity:
    units = await service.staff_units(ctx.uow, ctx.account)
    return await activities.create(
        ctx.uow,
        NewActivity(
            unit_id=units.own[0].id,
            title=str(data["title"]),
            starts_at=_iso(data["when"]),
            place=str(data["place"]),
            capacity=data["capacity"],
            signup_deadline=_iso(data["deadline"]),
            audience=Audience(data["who"]),
            companions=bool(data["companions"]),
            created_by=ctx.account.id,
        ),
        ctx.now,
    )


async def _preview(ctx: Context, notice: Notice) -> None:
    """The notice exactly as recipients will see it, buttons and all, in the staff member's own chat."""
    activity = await ctx.uow.activities.get(notice.activity_id) if notice.activity_id else None
    keyboard = words(ctx).signup_keyboard(ctx.account.locale, activity) if activity else None
    ctx.actions.append(CopyMessage(ctx.chat_id, notice.source.chat_id, notice.source.message_id, keyboard))


def _mark(ctx: Context, label: str, chosen: bool) -> str:
    return ("✓ " if chosen else "") + ctx.label(label)


async def panel(ctx: Context, notice: Notice) -> tuple[str, InlineKeyboard]:
    """The audience chooser: units, who, narrowing, the count, and Send."""
    units = await service.staff_units(ctx.uow, ctx.account)
    spec = notice.audience
    count: AudienceCount = await ctx.uow.notices.count_audience(spec, ctx.today)
    chosen = next((u for u in units.all if u.id == spec.unit_id), None)
    approval = chosen is not None and service.needs_approval(chosen, units, ctx.profile.region.activities)
    text = ctx.render(
        "notice_panel.html.j2",
        unit=chosen.name if chosen else "",
        who=ctx.label(WHO_LABELS[spec.audience]),
        only=ctx.label(ONLY_LABELS[spec.narrowing]),
        count=count,
        approval=approval,
    )
    rows: list[tuple[Button, ...]] = []
    unit_buttons = [
        Button(
            ("✓ " if u.id == spec.unit_id else "") + u.name, NoticeButton("u", notice.id, str(u.id)).pack()
        )
        for u in units.all[:12]
    ]
    rows.extend(tuple(unit_buttons[i : i + 2]) for i in range(0, len(unit_buttons), 2))
    rows.append(
        tuple(
            Button(_mark(ctx, WHO_LABELS[a], spec.audience is a), NoticeButton("w", notice.id, code).pack())
            for code, a in _WHO_CODES.items()
        )
    )
    rows.append(
        tuple(
            Button(
                _mark(ctx, ONLY_LABELS[f], spec.narrowing is f), NoticeButton("f", notice.id, f.value).pack()
            )
            for f in AudienceFilter
        )
    )
    rows.append((Button(ctx.label(SEND), NoticeButton("ok", notice.id).pack()),))
    return text, InlineKeyboard(tuple(rows))


def progress_text(t: Translator, renderer: Any, notice: Notice, progress: BatchProgress) -> str:
    state = {
        NoticeStatus.CANCELLED: STATE_CANCELLED,
        NoticeStatus.STOPPED: STATE_CANCELLED,
        NoticeStatus.DONE: STATE_DONE,
    }.get(notice.status, STATE_DONE if progress.done else STATE_SENDING)
    return str(
        renderer.render(
            t,
            "notice_progress.html.j2",
            state=t.gettext(state),
            queued=progress.waiting,
            sent=progress.sent,
            failed=progress.failed,
            blocked=progress.unreachable,
            cancelled=progress.cancelled,
        )
    )


def progress_keyboard(t: Translator, notice: Notice, progress: BatchProgress) -> InlineKeyboard | None:
    if notice.status is NoticeStatus.SENDING and not progress.done:
        return service.cancel_keyboard(t, notice.id)
    return None


@handles(NoticeButton)
async def on_notice_button(ctx: Context, button: NoticeButton) -> bool:
    message_id = ctx.event.message_id
    if message_id is None or ctx.account.role is not AccountRole.STAFF:
        return False
    if button.action == "x":
        return await _cancel_sending(ctx, button.notice_id, message_id)
    if button.action in ("ap", "rj"):
        return await _decide(ctx, button, message_id)
    notice = await service.own_draft(ctx.uow, ctx.account, button.notice_id)
    if notice is None:
        return False
    spec = notice.audience
    if button.action == "u" and button.value and button.value.isdigit():
        unit_id = int(button.value)
        if not await service.may_send_to(ctx.uow, ctx.account, unit_id):
            return False
        spec = AudienceSpec(unit_id, spec.audience, spec.narrowing)
    elif button.action == "w" and button.value in _WHO_CODES:
        spec = AudienceSpec(spec.unit_id, _WHO_CODES[button.value], spec.narrowing)
    elif button.action == "f" and button.value in {f.value for f in AudienceFilter}:
        spec = AudienceSpec(spec.unit_id, spec.audience, AudienceFilter(button.value))
    elif button.action == "ok":
        return await _send(ctx, notice, message_id)
    else:
        return False
    await ctx.uow.notices.set_audience(notice.id, spec)
    notice = await ctx.uow.notices.get(notice.id) or notice
    text, keyboard = await panel(ctx, notice)
    ctx.actions.append(EditText(ctx.chat_id, message_id, text, keyboard))
    return True


async def _send(ctx: Context, notice: Notice, message_id: int) -> bool:
    units = await service.staff_units(ctx.uow, ctx.account)
    unit = next((u for u in units.all if u.id == notice.audience.unit_id), None)
    if unit is None:
        return False
    if service.needs_approval(unit, units, ctx.profile.region.activities):
        count = await ctx.uow.notices.count_audience(notice.audience, ctx.today)
        await service.ask_approval(
            ctx.uow,
            notice,
            unit,
            ctx.i18n.translator,
            lambda t: t.gettext(APPROVAL_REQUEST) % {"n": count.reachable},
        )
        ctx.actions.append(EditText(ctx.chat_id, message_id, ctx.msg(SENT_FOR_APPROVAL)))
        await ctx.uow.notices.set_progress_message(notice.id, message_id)
        await _leave(ctx)
        return True
    activity = await ctx.uow.activities.get(notice.activity_id) if notice.activity_id else None
    launched = await service.launch(ctx.uow, notice, ctx.today, activity, words(ctx))
    if launched is None:
        return False
    await ctx.uow.notices.set_progress_message(notice.id, message_id)
    await _show_progress(ctx, notice.id, message_id)
    await _leave(ctx)
    return True


async def _show_progress(ctx: Context, notice_id: int, message_id: int) -> None:
    notice = await ctx.uow.notices.get(notice_id)
    if notice is None or notice.batch_id is None:
        return
    progress = await ctx.uow.outbox.batch_progress(notice.batch_id)
    if progress is None:
        return
    text = progress_text(ctx.t, ctx.renderer, notice, progress)
    ctx.actions.append(EditText(ctx.chat_id, message_id, text, progress_keyboard(ctx.t, notice, progress)))
    await ctx.uow.notices.set_progress_shown(notice.id, service.shown(progress))


async def _leave(ctx: Context) -> None:
    if ctx.state is not None and ctx.state.flow == MACHINE.flow:
        ctx.state = None
        await ctx.router.show_menu(ctx)


async def _cancel_sending(ctx: Context, notice_id: int, message_id: int) -> bool:
    notice = await service.cancel(ctx.uow, ctx.account, notice_id)
    if notice is None:
        return False
    await _show_progress(ctx, notice_id, message_id)
    return True


async def _decide(ctx: Context, button: NoticeButton, message_id: int) -> bool:
    notice = await ctx.uow.notices.get(button.notice_id)
    if notice is None or notice.status is not NoticeStatus.AWAITING_APPROVAL:
        return False
    units = await service.staff_units(ctx.uow, ctx.account)
    if not units.supervisor or not await service.may_send_to(ctx.uow, ctx.account, notice.audience.unit_id):
        return False
    if button.action == "rj":
        if not await ctx.uow.notices.move(notice.id, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.REJECTED):
            return False
        ctx.actions.append(EditText(ctx.chat_id, message_id, ctx.msg(REJECTED)))
        author = await ctx.uow.accounts.get(notice.created_by)
        if author is not None and notice.progress_message_id is not None:
            t = ctx.i18n.translator(author.locale)
            await ctx.uow.outbox.enqueue(
                _edit(author, notice, html(ctx, t, YOUR_NOTICE_REJECTED), "rejected")
            )
        return True
    activity = await ctx.uow.activities.get(notice.activity_id) if notice.activity_id else None
    launched = await service.launch(
        ctx.uow, notice, ctx.today, activity, words(ctx), before=NoticeStatus.AWAITING_APPROVAL
    )
    if launched is None:
        return False
    ctx.actions.append(EditText(ctx.chat_id, message_id, ctx.msg(APPROVED)))
    return True


def html(ctx: Context, t: Translator, message: str) -> str:
    return ctx.renderer.escape(t.gettext(message))


def _edit(author: Any, notice: Notice, text: str, key: str) -> Any:
    return OutboxMessage(
        chat_id=author.chat_id,
        account_id=author.id,
        category=MessageCategory.URGENT,
        dedupe_key=f"notice-progress:{notice.id}:{key}",
        text=text,
        attachment=Attachment(AttachmentKind.EDIT, str(notice.progress_message_id)),
    )


async def show_our_activities(ctx: Context) -> None:
    """The upcoming activities of the staff member's units, each a button to its card."""
    units = await service.staff_units(ctx.uow, ctx.account)
    unit_ids: list[int] = []
    for unit in units.own:
        unit_ids.extend(await ctx.uow.units.subtree_ids(unit.id))
    found = await ctx.uow.activities.for_units(unit_ids, ctx.now - timedelta(days=1))
    if not found:
        ctx.send(ctx.msg(NO_ACTIVITIES))
        return
    rows = tuple(
        (Button(f"{a.title} · {words(ctx).when(ctx.t, a.starts_at)}", StaffActivityButton("v", a.id).pack()),)
        for a in found[:20]
    )
    ctx.send(ctx.msg(PICK_ACTIVITY), InlineKeyboard(rows))


NO_ACTIVITIES = N_("Your units have no upcoming activities.")
PICK_ACTIVITY = N_(
    "Your units' activities. Press one to see who is coming, export the list, mark attendance or change it."
)
