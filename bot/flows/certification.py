"""Certification for a retiree, or a family member acting for them: the status in plain words, how to
certify, a photo or short video for staff to check, a home-visit request, "I have certified"."""

from __future__ import annotations

from bot.actions import ReplyKeyboard
from bot.callbacks import ReminderButton
from bot.domain.certification import CertStatus, SubmissionKind
from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole, Retiree
from bot.events import EventKind
from bot.flows import buttons, menu
from bot.flows.base import Flow
from bot.flows.buttons import normalise_label
from bot.flows.callback_dispatch import handles
from bot.flows.context import Context, Prompt
from bot.flows.machine import END, Machine
from bot.i18n import N_
from bot.services import certification as service
from bot.services.certification_messages import (
    HOW_TO_CERTIFY,
    I_HAVE_CERTIFIED,
    NEED_VISIT,
    SEND_PHOTO,
    CertificationTexts,
)

MY_STATUS = N_("📋 My certification status")
MENU_PROMPT = N_("What would you like to do?")
CHOOSE_RETIREE = N_("Whose certification would you like to see? Please press a name.")
SOMEONE_ELSE = N_("👥 Someone else I look after")
NOBODY = N_(
    "I don't know whose certification to look after yet. Please register as a retiree or family member."
)
ASK_PHOTO = N_(
    "Please send a clear photo (or a short video) of %(name)s holding their ID card, with the face and the "
    "card both visible. Use the 📎 button to take or choose a photo."
)
PHOTO_RECEIVED = N_("Thank you, the photo is with the community staff. They will check it and tell you.")
SEND_A_PHOTO = N_("Please send a photo or a short video, or press “⬅ Back”.")
SELF_REPORTED = N_("Thank you. Staff will confirm it; reminders stop meanwhile.")
ALREADY = N_("Nothing to do: the status is already recorded.")
VISIT_REQUESTED = N_(
    "Your request is with the community staff: they will contact you to arrange a home visit."
)
VISIT_ALREADY = N_("You have already asked for a home visit; staff will contact you.")

MACHINE = Machine(
    "certification",
    initial="menu",
    transitions={
        "menu": {
            "status": "menu",
            "how": "menu",
            "visit": "menu",
            "self_report": "menu",
            "photo": "photo",
            "someone_else": "choose",
            "back": END,
        },
        "photo": {"sent": "menu", "back": "menu"},
        # A family member who looks after several retirees says whose certification this is about.
        "choose": {"chosen": "menu", "back": END},
    },
)

MEDIA = {EventKind.PHOTO: SubmissionKind.PHOTO, EventKind.VIDEO: SubmissionKind.VIDEO}
MENU_ROWS = [[MY_STATUS], [SEND_PHOTO], [HOW_TO_CERTIFY, NEED_VISIT], [I_HAVE_CERTIFIED]]


def texts_for(ctx: Context) -> CertificationTexts:
    return CertificationTexts(ctx.renderer, ctx.profile)


async def status_text(ctx: Context, retiree: Retiree) -> str:
    texts = texts_for(ctx)
    view = await service.status_view(ctx.uow, texts.profile.calendar, retiree, ctx.now)
    return ctx.render(
        "cert_status.html.j2",
        name=retiree.name,
        status=view.status.value,
        certified_on=texts.day(ctx.t, view.certified_on) if view.certified_on else "",
        next_due=texts.day(ctx.t, view.next_due),
        deadline=texts.day(ctx.t, view.cycle.deadline),
        suspension=texts.day(ctx.t, view.cycle.suspension),
        restored=view.restored,
        waiting=view.waiting_photo,
        visit=view.visit_requested,
        late=view.late,
        past_suspension=view.past_suspension,
        campaign_over=view.campaign_over,
        next_start=texts.day(ctx.t, view.next_window_start) if view.next_window_start else "",
    )


class CertificationFlow(Flow):
    machine = MACHINE

    def prompt(self, ctx: Context, state: ConversationState) -> Prompt:
        if state.step == "photo":
            rows = [[buttons.BACK, buttons.MAIN_MENU], [buttons.ASK_PERSON]]
            return Prompt(ctx.msg(ASK_PHOTO, name=str(state.data.get("name", ""))), ctx.reply_keyboard(rows))
        if state.step == "choose":
            # The names are the retirees' own, not labels to translate.
            names = tuple((str(name),) for _, name in state.data["choices"])
            common = ctx.reply_keyboard([[buttons.MAIN_MENU, buttons.ASK_PERSON]])
            return Prompt(ctx.msg(CHOOSE_RETIREE), ReplyKeyboard(names + common.rows))
        someone_else = [SOMEONE_ELSE] if state.data.get("several") else []
        rows = [*MENU_ROWS, someone_else, [buttons.MAIN_MENU, buttons.ASK_PERSON]]
        return Prompt(ctx.msg(MENU_PROMPT), ctx.reply_keyboard(rows))

    async def begin(self, ctx: Context, lead: str | None = None) -> None:
        retirees = await service.retirees_of(ctx.uow, ctx.account)
        if not retirees:
            await ctx.router.show_menu(ctx, ctx.msg(NOBODY))
        elif len(retirees) > 1:
            self.enter(ctx, "choose", _choices(retirees), lead)
        else:
            status = await status_text(ctx, retirees[0])
            self.enter(ctx, "menu", _data(retirees[0]), "\n\n".join(p for p in (lead, status) if p))

    async def start_at(self, ctx: Context, retiree: Retiree, step: str, lead: str | None = None) -> None:
        self.enter(ctx, step, _data(retiree), lead)

    async def _retiree(self, ctx: Context, retiree_id: object) -> Retiree | None:
        """The retiree a step's data names, if this account (still) acts for them."""
        if not isinstance(retiree_id, int) or not await service.may_act_for(ctx.uow, ctx.account, retiree_id):
            return None
        return await ctx.uow.retirees.get(retiree_id)

    async def on_text(self, ctx: Context, state: ConversationState) -> None:
        if state.step == "choose":
            await self._on_choice(ctx, state)
            return
        if state.step != "photo" and await menu.follow_menu_button(ctx):
            return  # a main-menu button leaves the flow, whoever it was about
        retiree = await self._retiree(ctx, state.data.get("retiree_id"))
        if retiree is None:
            ctx.state = None
            await ctx.router.show_menu(ctx, ctx.msg(NOBODY))
        elif state.step == "photo":
            if ctx.pressed(buttons.BACK):
                await self.go(ctx, state, "back")
            else:
                self.reprompt(ctx, state, ctx.msg(SEND_A_PHOTO))
        else:
            await self._on_menu(ctx, state, retiree)

    async def _on_choice(self, ctx: Context, state: ConversationState) -> None:
        typed = ctx.typed_label
        pressed = [i for i, name in state.data["choices"] if typed and normalise_label(str(name)) == typed]
        retiree = await self._retiree(ctx, pressed[0]) if pressed else None
        if retiree is not None:
            data = {**_data(retiree), "several": True}
            await self.go(ctx, state, "chosen", lead=await status_text(ctx, retiree), data=data)
        elif ctx.pressed(buttons.BACK):
            await self.go(ctx, state, "back")
        elif not await menu.follow_menu_button(ctx):
            self.not_understood(ctx, state)

    async def _on_menu(self, ctx: Context, state: ConversationState, retiree: Retiree) -> None:
        choice = ctx.pressed(
            MY_STATUS, SEND_PHOTO, HOW_TO_CERTIFY, NEED_VISIT, I_HAVE_CERTIFIED, SOMEONE_ELSE, buttons.BACK
        )
        if choice == SOMEONE_ELSE and state.data.get("several"):
            retirees = await service.retirees_of(ctx.uow, ctx.account)
            await self.go(ctx, state, "someone_else", data=_choices(retirees))
        elif choice == MY_STATUS:
            await self.go(ctx, state, "status", lead=await status_text(ctx, retiree))
        elif choice == SEND_PHOTO:
            await self.go(ctx, state, "photo")
        elif choice == HOW_TO_CERTIFY:
            await self.go(ctx, state, "how", lead=texts_for(ctx).how(ctx.t, retiree.lives_elsewhere))
        elif choice == NEED_VISIT:
            await self.go(ctx, state, "visit", lead=await ask_visit(ctx, retiree))
        elif choice == I_HAVE_CERTIFIED:
            await self.go(ctx, state, "self_report", lead=await report_done(ctx, retiree))
        elif choice == buttons.BACK:
            await self.go(ctx, state, "back")
        else:
            self.not_understood(ctx, state)

    async def on_media(self, ctx: Context, state: ConversationState) -> bool:
        """A photo or video at the photo step becomes a submission; anything else is not ours."""
        kind = {EventKind.PHOTO: SubmissionKind.PHOTO, EventKind.VIDEO: SubmissionKind.VIDEO}.get(
            ctx.event.kind
        )
        if state.step != "photo" or kind is None or not ctx.event.file_id:
            return False
        retiree = await self._retiree(ctx, state.data.get("retiree_id"))
        if retiree is None:
            return False
        texts = texts_for(ctx)
        await service.submit_media(
            ctx.uow, ctx.i18n, texts, ctx.account, retiree, kind, ctx.event.file_id, ctx.now
        )
        await self.go(ctx, state, "sent", lead=ctx.msg(PHOTO_RECEIVED))
        return True


def _data(retiree: Retiree) -> dict[str, object]:
    # The retiree's record id and name only: never their ID number.
    return {"retiree_id": retiree.id, "name": retiree.name}


def _choices(retirees: list[Retiree]) -> dict[str, object]:
    return {"choices": [[retiree.id, retiree.name] for retiree in retirees]}


async def ask_visit(ctx: Context, retiree: Retiree) -> str:
    asked = await service.request_visit(ctx.uow, ctx.i18n, texts_for(ctx), ctx.account, retiree, ctx.now)
    return ctx.msg(VISIT_REQUESTED if asked else VISIT_ALREADY)


async def report_done(ctx: Context, retiree: Retiree) -> str:
    record = await service.current_record(ctx.uow, texts_for(ctx).profile.calendar, retiree, ctx.now)
    if record is not None and record.status is CertStatus.CERTIFIED:
        return ctx.msg(ALREADY)
    reported = await service.self_report(ctx.uow, ctx.i18n, texts_for(ctx), ctx.account, retiree, ctx.now)
    return ctx.msg(SELF_REPORTED if reported else ALREADY)


async def on_media(ctx: Context) -> bool:
    """A photo or video from anywhere: ours only at the certification flow's photo step."""
    if ctx.state is None or ctx.state.flow != MACHINE.flow:
        return False
    return await CertificationFlow().on_media(ctx, ctx.state)


@handles(ReminderButton)
async def on_reminder_button(ctx: Context, button: ReminderButton) -> bool:
    """The buttons under a reminder (d: I have certified, h: how, v: home visit, p: send a photo), from any
    step. A family member's buttons name the retiree (an opaque record id); the retiree's own do not."""
    if button.retiree_id is not None:
        if not await service.may_act_for(ctx.uow, ctx.account, button.retiree_id):
            return False
        retiree = await ctx.uow.retirees.get(button.retiree_id)
    else:
        # The retiree's own buttons (their record comes first); a family member's always name the retiree.
        own = await service.retirees_of(ctx.uow, ctx.account)
        retiree = own[0] if own and (ctx.account.role is AccountRole.RETIREE or len(own) == 1) else None
    if retiree is None or retiree.deceased:
        return False
    flow = CertificationFlow()
    action = button.action
    if action == "p":
        await flow.start_at(ctx, retiree, "photo")
    elif action == "h":
        await flow.start_at(ctx, retiree, "menu", texts_for(ctx).how(ctx.t, retiree.lives_elsewhere))
    elif action == "v":
        await flow.start_at(ctx, retiree, "menu", await ask_visit(ctx, retiree))
    else:
        await flow.start_at(ctx, retiree, "menu", await report_done(ctx, retiree))
    return True
