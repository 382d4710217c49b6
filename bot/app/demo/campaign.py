"""The certification campaign in the demo: a clock the person can move (`/clock +30d`, `/clock 2027-03-01`),
the campaign tick with delivery of what it queued (`/tick`), and a photo sent as the current persona
(`/photo`), so that a reminder can be seen arriving, answered with a photo and approved as staff."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.parts import SharedParts
from bot.config import Settings
from bot.domain.certification_calendar import CertificationCalendar
from bot.emulator import Emulator, RecordedCall
from bot.ports import Messenger
from bot.rendering import Renderer
from bot.services.certification_campaign import Campaign
from bot.services.certification_messages import CertificationTexts
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.repositories.delivery_queue import SqlDeliveryQueue

_SHIFT = re.compile(r"^\+(\d+)\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}

HELP = """  /clock +30d | /clock 2027-03-01 09:30  move the demo's clock (it starts at the real time)
  /tick                                  run the certification campaign now and deliver what it sends
  /photo                                 send a photo as the current persona"""


class DemoClock:
    """The real time plus an offset the person moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def parse_clock(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`+30d`, `+2h`, `+15m`, or a local date (and time): `2027-03-01`, `2027-03-01 09:30`."""
    text = text.strip()
    shift = _SHIFT.match(text)
    if shift:
        return now + timedelta(**{_UNITS[shift.group(2)]: int(shift.group(1))})
    moment = datetime.fromisoformat(text if " " in text or "T" in text else f"{text} 09:30")
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def describe_clock(now: datetime, calendar: CertificationCalendar) -> str:
    """The demo's clock line: the local time, the next reminder and the next suspension date, looking
    into next year's campaign once this year's has passed them."""
    now = now.astimezone(calendar.tz)
    this_year = calendar.current_cycle(now)
    next_year = calendar.campaign_cycle(int(this_year.key) + 1)
    upcoming = [r for r in (*this_year.reminders, *next_year.reminders) if r > now]
    nxt = f"; next reminder {upcoming[0].astimezone(calendar.tz):%Y-%m-%d %H:%M}" if upcoming else ""
    stop = calendar.upcoming_cycle(now).suspension
    return f"(clock: {now:%Y-%m-%d %H:%M} {calendar.tz.key}{nxt}; payments stop {stop})"


class DemoCampaign:
    def __init__(
        self,
        settings: Settings,
        database: Database,
        messenger: Messenger,
        emulator: Emulator,
        clock: DemoClock,
        parts: SharedParts,
    ) -> None:
        self._emulator = emulator
        self.clock = clock
        i18n = parts.i18n
        self.profile = parts.profile
        self.campaign = Campaign(database.uow, i18n, CertificationTexts(Renderer(i18n), self.profile))
        config = SenderConfig(
            limits=Limits(global_per_s=settings.delivery_rate),
            backoff=Backoff(base_s=0.2, max_attempts=3),
            quiet_hours=QuietHours.parse(settings.quiet_hours),
            time_zone=ZoneInfo(settings.timezone),
            poll_interval_s=0.05,
        )
        self.sender = Sender(
            SqlDeliveryQueue(database.sessions), messenger, ActionBuilder(i18n), clock, config
        )

    @property
    def tz(self) -> ZoneInfo:
        return self.profile.calendar.tz

    def describe_now(self) -> str:
        return describe_clock(self.clock.now(), self.profile.calendar)

    def move_clock(self, arg: str) -> str:
        try:
            target = parse_clock(arg, self.clock.now(), self.tz)
        except ValueError:
            return "usage: /clock +30d | +2h | +15m | 2027-03-01 [09:30]"
        self.clock.offset += target - self.clock.now()
        return self.describe_now()

    async def tick(self) -> tuple[str, Sequence[RecordedCall]]:
        start = len(self._emulator.calls)
        report = await self.campaign.tick(self.clock.now())
        await self.sender.drain(timeout=60)
        summary = (
            f"(campaign {report.cycle}: reminder {report.reminder or '-'} queued for {report.reminders}, "
            f"families told {report.family}, supervisors {report.supervisors}, suspended {report.suspended}; "
            "messages held in quiet hours wait for the morning)"
        )
        return summary, self._emulator.calls[start:]

    async def deliver(self) -> Sequence[RecordedCall]:
        """Send what the people's actions queued (staff notices, results)."""
        start = len(self._emulator.calls)
        await self.sender.drain(timeout=60)
        return self._emulator.calls[start:]

    async def photo(self, user_id: int) -> Sequence[RecordedCall]:
        start = len(self._emulator.calls)
        await self._emulator.send_photo(user_id)
        await self._emulator.wait_for(
            lambda: any(c.chat_id == user_id for c in self._emulator.calls[start:]), timeout=10
        )
        await self._emulator.wait_quiet(user_id, None, 10)
        return self._emulator.calls[start:]
