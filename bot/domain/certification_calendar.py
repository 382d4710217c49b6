"""The certification calendar as data: when reminders go out, when escalations happen, when payments stop.

Two modes (the region profile chooses):
- campaign: everyone certifies in the same yearly window; the cycle is the year ("2027").
- rolling: each retiree is due 12 months after their last certification, or by the end of their birthday
  month; the cycle is the due month ("2027-05").
All instants are computed in the region's time zone and returned timezone-aware.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class CalendarError(ValueError):
    """A broken certification section of a region profile."""


class Mode(StrEnum):
    CAMPAIGN = "campaign"
    ROLLING = "rolling"


class RollingBasis(StrEnum):
    ANNIVERSARY = "anniversary"  # 12 months after the last certification
    BIRTHDAY_MONTH = "birthday_month"  # by the end of the birthday month, every year


@dataclass(frozen=True, slots=True)
class MonthDay:
    month: int
    day: int

    def __post_init__(self) -> None:
        # 2024 is a leap year: 29 February is a valid month-day, clamped in other years.
        try:
            date(2024, self.month, self.day)
        except ValueError:
            raise CalendarError(f"not a day of the year: {self.month:02d}-{self.day:02d}") from None

    def in_year(self, year: int) -> date:
        return date(year, self.month, min(self.day, _calendar.monthrange(year, self.month)[1]))

    @classmethod
    def parse(cls, text: object) -> MonthDay:
        parts = str(text).strip().split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise CalendarError(f"expected MM-DD, got {text!r}")
        return cls(int(parts[0]), int(parts[1]))


@dataclass(frozen=True, slots=True)
class Escalation:
    """Each step may be switched off (None / False) in the profile."""

    family_after_reminder: int | None = 2  # family contacts told once this reminder went unanswered ...
    family_delay_days: int = 7  # ... this many days after it
    staff_after_reminder: int | None = 3  # then still-pending retirees join the community staff's list
    staff_delay_days: int = 5
    supervisor_on_window_close: bool = True  # the street supervisor gets the list when the window closes
    suspend: bool = True  # status "suspended" on the suspension date


@dataclass(frozen=True, slots=True)
class Cycle:
    """One retiree's (rolling) or everyone's (campaign) certification cycle, as instants."""

    key: str
    reminders: tuple[datetime, ...]  # reminder n is reminders[n - 1]
    window_start: date
    deadline: date  # the last day of the certification window
    window_closes_at: datetime  # the start of the day after the deadline
    suspension: date
    suspension_at: datetime
    family_at: datetime | None
    staff_task_at: datetime | None
    elsewhere_upload_by: date | None = None

    def due_reminder(self, now: datetime) -> int | None:
        """The latest reminder whose time has come (1-based), while the window is open; None otherwise.

        Only the latest: after a missed tick a retiree gets the current reminder, not a burst of old ones."""
        if now >= self.window_closes_at:
            return None
        due = [n for n, at in enumerate(self.reminders, 1) if at <= now]
        return due[-1] if due else None


@dataclass(frozen=True, slots=True)
class CertificationCalendar:
    mode: Mode = Mode.CAMPAIGN
    time_zone: str = "Asia/Shanghai"
    reminder_time: time = time(9, 30)
    # campaign mode
    reminder_days: tuple[MonthDay, ...] = (
        MonthDay(3, 1),
        MonthDay(3, 15),
        MonthDay(4, 1),
        MonthDay(4, 15),
        MonthDay(4, 25),
    )
    window_start: MonthDay = MonthDay(3, 1)
    window_end: MonthDay = MonthDay(4, 30)
    suspension: MonthDay = MonthDay(8, 1)
    elsewhere_upload_by: MonthDay | None = None
    # rolling mode
    rolling_basis: RollingBasis = RollingBasis.ANNIVERSARY
    rolling_reminder_days_before: tuple[int, ...] = (60, 45, 30, 15, 5)
    rolling_grace_days: int = 90  # from the due date to the suspension
    escalation: Escalation = field(default_factory=Escalation)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_date(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def _at(self, day: date, at: time | None = None) -> datetime:
        return datetime.combine(day, at or self.reminder_time, tzinfo=self.tz)

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.tz)

    # --- campaign -------------------------------------------------------------------------------------

    def campaign_key(self, now: datetime) -> str:
        return str(self.local_date(now).year)

    def campaign_cycle(self, year: int) -> Cycle:
        reminders = tuple(self._at(md.in_year(year)) for md in self.reminder_days)
        deadline = self.window_end.in_year(year)
        return self._cycle(
            str(year),
            reminders,
            self.window_start.in_year(year),
            deadline,
            self.suspension.in_year(year),
            self.elsewhere_upload_by.in_year(year) if self.elsewhere_upload_by else None,
        )

    def current_cycle(self, now: datetime) -> Cycle:
        """The campaign cycle of `now`'s year (campaign mode)."""
        return self.campaign_cycle(self.local_date(now).year)

    def upcoming_cycle(self, now: datetime) -> Cycle:
        """The campaign cycle whose suspension is still ahead (campaign mode): this year's until its
        suspension date, next year's from then on."""
        cycle = self.current_cycle(now)
        return cycle if now < cycle.suspension_at else self.campaign_cycle(int(cycle.key) + 1)

    # --- rolling --------------------------------------------------------------------------------------

    def rolling_due(self, last_certified: date | None, birth_date: date, today: date) -> date:
        """When a retiree is next due (rolling mode).

        After a certification the date is fixed (12 months on, or the next birthday month). Someone never
        certified through us is due by the end of this year's birthday month, and stays in that cycle until
        its grace period is over (so that its suspension happens); only then does next year's apply."""
        if last_certified is not None:
            if self.rolling_basis is RollingBasis.BIRTHDAY_MONTH:
                return _month_end(last_certified.year + 1, birth_date.month)
            return _add_months(last_certified, 12)
        due = _month_end(today.year, birth_date.month)
        if due + timedelta(days=self.rolling_grace_days) < today:
            due = _month_end(today.year + 1, birth_date.month)
        return due

    def rolling_cycle_now(self, last_certified_at: datetime | None, birth_date: date, now: datetime) -> Cycle:
        """The rolling cycle a retiree is in at `now`, from the instant of their last certification."""
        last_day = self.local_date(last_certified_at) if last_certified_at else None
        return self.rolling_cycle(self.rolling_due(last_day, birth_date, self.local_date(now)))

    def rolling_cycle(self, due: date) -> Cycle:
        reminders = tuple(self._at(due - timedelta(days=d)) for d in self.rolling_reminder_days_before)
        start = due - timedelta(days=max(self.rolling_reminder_days_before, default=0))
        return self._cycle(f"{due:%Y-%m}", reminders, start, due, due + timedelta(self.rolling_grace_days))

    # --- shared ---------------------------------------------------------------------------------------

    def _cycle(
        self,
        key: str,
        reminders: tuple[datetime, ...],
        start: date,
        deadline: date,
        suspension: date,
        upload_by: date | None = None,
    ) -> Cycle:
        esc = self.escalation
        return Cycle(
            key=key,
            reminders=reminders,
            window_start=start,
            deadline=deadline,
            window_closes_at=self._midnight(deadline + timedelta(days=1)),
            suspension=suspension,
            suspension_at=self._midnight(suspension),
            family_at=_after(reminders, esc.family_after_reminder, esc.family_delay_days),
            staff_task_at=_after(reminders, esc.staff_after_reminder, esc.staff_delay_days),
            elsewhere_upload_by=upload_by,
        )

    def next_window_start(self, cycle: Cycle) -> date:
        """When the window of the cycle after `cycle` opens."""
        if self.mode is Mode.CAMPAIGN:
            return self.window_start.in_year(int(cycle.key) + 1)
        return self.rolling_cycle(self.next_deadline(cycle)).window_start

    def next_deadline(self, cycle: Cycle) -> date:
        """The deadline of the cycle after `cycle` (what a certified retiree is told)."""
        if self.mode is Mode.CAMPAIGN:
            return self.window_end.in_year(int(cycle.key) + 1)
        return _add_months(cycle.deadline, 12)


def _after(reminders: Sequence[datetime], n: int | None, days: int) -> datetime | None:
    if n is None or not 0 < n <= len(reminders):
        return None
    return reminders[n - 1] + timedelta(days=days)


def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# --- reading the profile's `certification:` section ------------------------------------------------


def calendar_from_mapping(
    raw: Mapping[str, Any] | None, time_zone: str | None = None
) -> CertificationCalendar:
    """Build the calendar from a profile's `certification:` mapping; absent keys keep their defaults."""
    if raw is None:
        return CertificationCalendar(time_zone=time_zone or "Asia/Shanghai")
    if not isinstance(raw, Mapping):
        raise CalendarError("certification must be a mapping")
    known = {
        "mode",
        "time_zone",
        "reminder_time",
        "reminder_days",
        "window",
        "suspension",
        "elsewhere_upload_by",
        "rolling",
        "escalation",
    }
    unknown = set(raw) - known
    if unknown:
        raise CalendarError(f"unknown keys in certification: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    try:
        values["mode"] = Mode(raw.get("mode", "campaign"))
        tz = str(raw.get("time_zone") or time_zone or "Asia/Shanghai")
        ZoneInfo(tz)
        values["time_zone"] = tz
        if "reminder_time" in raw:
            values["reminder_time"] = time.fromisoformat(str(raw["reminder_time"]))
        if "reminder_days" in raw:
            days = tuple(MonthDay.parse(d) for d in raw["reminder_days"])
            if list(days) != sorted(days, key=lambda d: (d.month, d.day)):
                raise CalendarError("reminder_days must be in order")
            values["reminder_days"] = days
        window = raw.get("window") or {}
        if "start" in window:
            values["window_start"] = MonthDay.parse(window["start"])
        if "end" in window:
            values["window_end"] = MonthDay.parse(window["end"])
        if "suspension" in raw:
            values["suspension"] = MonthDay.parse(raw["suspension"])
        if raw.get("elsewhere_upload_by"):
            values["elsewhere_upload_by"] = MonthDay.parse(raw["elsewhere_upload_by"])
        rolling = raw.get("rolling") or {}
        if "basis" in rolling:
            values["rolling_basis"] = RollingBasis(rolling["basis"])
        if "reminder_days_before" in rolling:
            values["rolling_reminder_days_before"] = tuple(
                sorted((int(d) for d in rolling["reminder_days_before"]), reverse=True)
            )
        if "grace_days" in rolling:
            values["rolling_grace_days"] = int(rolling["grace_days"])
        values["escalation"] = _escalation(raw.get("escalation") or {})
    except (ValueError, TypeError, KeyError) as exc:
        if isinstance(exc, CalendarError):
            raise
        raise CalendarError(f"certification: {exc}") from None
    result = CertificationCalendar(**values)
    if result.mode is Mode.CAMPAIGN:
        last = result.reminder_days[-1] if result.reminder_days else None
        end = (result.window_end.month, result.window_end.day)
        if last is not None and (last.month, last.day) > end:
            raise CalendarError("the last reminder falls after the window closes")
        if (result.suspension.month, result.suspension.day) <= end:
            raise CalendarError("the suspension date must come after the window closes")
    return result


def _escalation(raw: Mapping[str, Any]) -> Escalation:
    family = raw.get("family", {"after_reminder": 2, "days": 7})
    staff = raw.get("staff_task", {"after_reminder": 3, "days": 5})
    return Escalation(
        family_after_reminder=int(family["after_reminder"]) if family else None,
        family_delay_days=int(family.get("days", 0)) if family else 0,
        staff_after_reminder=int(staff["after_reminder"]) if staff else None,
        staff_delay_days=int(staff.get("days", 0)) if staff else 0,
        supervisor_on_window_close=bool(raw.get("supervisor_on_window_close", True)),
        suspend=bool(raw.get("suspend", True)),
    )
