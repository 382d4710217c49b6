"""The certification campaign's messages and buttons, rendered in the recipient's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.actions import Button, InlineKeyboard
from bot.callbacks import ReminderAction, ReminderButton
from bot.domain.certification import CertMethod, RejectReason
from bot.domain.certification_calendar import Cycle
from bot.i18n import N_, Translator
from bot.rendering import Renderer
from bot.services.certification_profile import CertificationProfile

REMINDER_TEMPLATE = "cert_reminder.html.j2"

I_HAVE_CERTIFIED = N_("✔ I have certified")
HOW_TO_CERTIFY = N_("❔ How do I certify?")
NEED_VISIT = N_("🏠 I need a home visit")
SEND_PHOTO = N_("📷 Send my photo to certify")

METHODS: dict[CertMethod, str] = {
    CertMethod.SELF_SERVICE: N_("photo checked by staff"),
    CertMethod.HOME_VISIT: N_("home visit"),
    CertMethod.IN_PERSON: N_("in person at the office"),
    CertMethod.DATA_COMPARISON: N_("data comparison"),
    CertMethod.SELF_REPORT: N_("confirmed by staff"),
}

REASONS: dict[RejectReason, str] = {
    RejectReason.UNCLEAR: N_("The photo is not clear"),
    RejectReason.NO_ID: N_("The ID card cannot be seen"),
    RejectReason.NOT_RETIREE: N_("This is not the retiree"),
    RejectReason.OTHER: N_("Please contact the community office"),
}


def reminder_keyboard(t: Translator, retiree_id: int | None = None) -> InlineKeyboard:
    """One big button a row: "I have certified", "How?", "Home visit", "Send my photo"."""
    labels: tuple[tuple[ReminderAction, str], ...] = (
        ("d", I_HAVE_CERTIFIED),
        ("h", HOW_TO_CERTIFY),
        ("v", NEED_VISIT),
        ("p", SEND_PHOTO),
    )
    return InlineKeyboard(
        tuple(
            (Button(t.gettext(label), ReminderButton(action, retiree_id).pack()),) for action, label in labels
        )
    )


class CertificationTexts:
    """Renders the campaign's messages for one profile."""

    def __init__(self, renderer: Renderer, profile: CertificationProfile) -> None:
        self._renderer = renderer
        self._profile = profile

    @property
    def profile(self) -> CertificationProfile:
        return self._profile

    @staticmethod
    def day(t: Translator, value: date) -> str:
        return t.format_date(value, "long")

    def _dates(self, t: Translator, cycle: Cycle) -> dict[str, str]:
        return {
            "start": self.day(t, cycle.window_start),
            "deadline": self.day(t, cycle.deadline),
            "suspension": self.day(t, cycle.suspension),
        }

    def reminder_context(self, t: Translator, cycle: Cycle, number: int, elsewhere: bool) -> dict[str, Any]:
        """The reminder template's context in `t`'s language: plain JSON, stored with the outbox row."""
        upload_by = cycle.elsewhere_upload_by or cycle.window_start
        return {
            "n": number,
            "total": len(cycle.reminders),
            "elsewhere": elsewhere,
            "upload_by": self.day(t, upload_by),
            "office": self._profile.value("certification_office", t.locale),
            **self._dates(t, cycle),
        }

    def reminder(self, t: Translator, cycle: Cycle, number: int, elsewhere: bool) -> str:
        context = self.reminder_context(t, cycle, number, elsewhere)
        return self._renderer.render(t, REMINDER_TEMPLATE, **context)

    def how(self, t: Translator, elsewhere: bool) -> str:
        return self._renderer.render(
            t,
            "cert_how.html.j2",
            office=self._profile.value("certification_office", t.locale),
            elsewhere=elsewhere,
        )

    def family(self, t: Translator, cycle: Cycle, name: str) -> str:
        return self._renderer.render(t, "cert_family.html.j2", name=name, **self._dates(t, cycle))

    def suspended(self, t: Translator, cycle: Cycle, name: str) -> str:
        return self._renderer.render(
            t, "cert_suspended.html.j2", name=name, suspension=self.day(t, cycle.suspension)
        )

    def supervisor(
        self,
        t: Translator,
        cycle: Cycle,
        unit: str,
        count: int,
        people: list[tuple[str, str, bool]],
    ) -> str:
        return self._renderer.render(
            t,
            "cert_supervisor.html.j2",
            unit=unit,
            count=count,
            people=people,
            more=max(count - len(people), 0),
            suspension=self.day(t, cycle.suspension),
        )

    def result(
        self,
        t: Translator,
        name: str,
        *,
        approved: bool,
        method: CertMethod | None = None,
        reason: RejectReason | None = None,
        restored: bool = False,
    ) -> str:
        return self._renderer.render(
            t,
            "cert_result.html.j2",
            approved=approved,
            name=name,
            how=t.gettext(METHODS[method]) if method else "",
            reason=t.gettext(REASONS[reason]) if reason else "",
            restored=restored,
        )

    def staff_notice(self, t: Translator, kind: str, name: str, masked: str) -> str:
        return self._renderer.render(t, "cert_staff_notice.html.j2", kind=kind, name=name, masked=masked)
