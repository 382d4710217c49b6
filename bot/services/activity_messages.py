"""The words and buttons of activity messages, in the recipient's language: rendered when queued, since
their buttons must be translated then too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import Button, InlineKeyboard
from bot.callbacks import ActivityButton
from bot.domain.activities import Activity
from bot.i18n import N_, I18n, Translator
from bot.rendering import Renderer

SIGN_UP = N_("✅ Sign up")
SIGN_UP_PLUS_ONE = N_("👫 Sign up with a companion")
CANT_COME = N_("❌ Can't come")
TAKE_PLACE = N_("✅ Yes, I'll come")
LET_GO = N_("❌ No, give it to the next")
CANCEL_MINE = N_("❌ Cancel my place")


@dataclass(frozen=True, slots=True)
class ActivityWords:
    i18n: I18n
    renderer: Renderer
    tz: ZoneInfo

    def t(self, locale: str | None) -> Translator:
        return self.i18n.translator(locale)

    def when(self, t: Translator, moment: datetime) -> str:
        return t.format_day_and_time(moment, self.tz)

    def details(self, t: Translator, activity: Activity) -> dict[str, object]:
        return {
            "title": activity.title,
            "when": self.when(t, activity.starts_at),
            "place": activity.place,
            "deadline": self.when(t, activity.signup_deadline),
            "capacity": activity.capacity,
            "free": activity.free,
            "companions": activity.companions,
        }

    def render(self, locale: str | None, template: str, activity: Activity, **more: object) -> str:
        t = self.t(locale)
        return self.renderer.render(t, template, **self.details(t, activity), **more)

    def signup_keyboard(self, locale: str | None, activity: Activity) -> InlineKeyboard:
        t = self.t(locale)
        rows = [(Button(t.gettext(SIGN_UP), ActivityButton("s", activity.id).pack()),)]
        if activity.companions:
            rows.append((Button(t.gettext(SIGN_UP_PLUS_ONE), ActivityButton("p", activity.id).pack()),))
        rows.append((Button(t.gettext(CANT_COME), ActivityButton("n", activity.id).pack()),))
        return InlineKeyboard(tuple(rows))

    def offer_keyboard(self, locale: str | None, signup_id: int) -> InlineKeyboard:
        t = self.t(locale)
        return InlineKeyboard(
            (
                (Button(t.gettext(TAKE_PLACE), ActivityButton("a", signup_id).pack()),),
                (Button(t.gettext(LET_GO), ActivityButton("d", signup_id).pack()),),
            )
        )

    def cancel_keyboard(self, locale: str | None, signup_id: int) -> InlineKeyboard:
        t = self.t(locale)
        return InlineKeyboard(((Button(t.gettext(CANCEL_MINE), ActivityButton("x", signup_id).pack()),),))
