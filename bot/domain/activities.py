"""Community activities and staff notices: who a notice reaches, an activity's places, sign-ups and the
waitlist, as plain records and rules the services and the repositories share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from enum import StrEnum


class Audience(StrEnum):
    """Who a notice (or an activity) is for."""

    RETIREES = "retirees"
    FAMILIES = "families"
    BOTH = "both"


class AudienceFilter(StrEnum):
    """An optional narrowing of the audience, by the retiree the account belongs to or looks after."""

    ALL = "all"
    LOCAL = "local"  # the retiree lives here (not registered as living elsewhere)
    AGED_80 = "80"  # the retiree is 80 or older on the day the notice is sent


class NoticeStatus(StrEnum):
    DRAFT = "draft"  # being composed: audience, count, preview
    AWAITING_APPROVAL = "approval"  # to a whole district: a supervisor approves first
    SENDING = "sending"  # queued in the outbox (its batch); the progress message is kept up to date
    DONE = "done"  # every message settled
    CANCELLED = "cancelled"  # staff cancelled: what was not sent is not sent (what was in flight settles)
    STOPPED = "stopped"  # cancelled, settled, and the progress message shows it: no longer looked at
    REJECTED = "rejected"  # the supervisor said no


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"  # holds a place (1 + companions)
    WAITLISTED = "waitlisted"  # waits for a place, in order of sign-up
    OFFERED = "offered"  # a freed place is held for them until `offer_expires_at`
    CANCELLED = "cancelled"  # they cancelled, or let an offer run out
    DECLINED = "declined"  # "Can't come"


HOLDS_A_PLACE = (SignupStatus.CONFIRMED, SignupStatus.OFFERED)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message in a chat: what a notice copies to its recipients, exactly as staff wrote it."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class AudienceSpec:
    unit_id: int  # the staff member's unit or one below it; the subtree is included
    audience: Audience
    narrowing: AudienceFilter = AudienceFilter.ALL


@dataclass(frozen=True, slots=True)
class AudienceCount:
    """What staff see before confirming: how many the notice reaches and how many it cannot, and why."""

    reachable: int
    never_started: int  # retirees on the roster with no account (families we cannot know of)
    blocked: int  # accounts that blocked the bot
    opted_out: int  # turned activity notices off in Settings


@dataclass(frozen=True, slots=True)
class NewActivity:
    unit_id: int
    title: str
    starts_at: datetime
    place: str
    capacity: int | None  # None: unlimited
    signup_deadline: datetime
    audience: Audience
    companions: bool  # a +1 may come, and counts against the capacity
    created_by: int


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    unit_id: int
    title: str
    starts_at: datetime
    place: str
    capacity: int | None
    taken: int  # places held by confirmed sign-ups and open offers, companions included
    signup_deadline: datetime
    audience: Audience
    companions: bool
    cancelled: bool
    created_by: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclass(frozen=True, slots=True)
class Signup:
    id: int
    activity_id: int
    account_id: int
    status: SignupStatus
    companions: int
    offer_expires_at: datetime | None
    attended: bool | None

    @property
    def seats(self) -> int:
        return 1 + self.companions


@dataclass(frozen=True, slots=True)
class SignupOutcome:
    """What a press of "Sign up" did: `position` is the place on the waitlist (1 = next in line)."""

    signup: Signup
    status: SignupStatus
    position: int | None = None
    already: bool = False  # they had signed up before: nothing changed


@dataclass(frozen=True, slots=True)
class Attendee:
    """A row of the staff's list and export."""

    signup_id: int
    account_id: int
    name: str
    phone: str | None
    family: bool
    status: SignupStatus
    companions: int
    position: int | None  # on the waitlist
    attended: bool | None


@dataclass(frozen=True, slots=True)
class MyActivity:
    activity: Activity
    signup: Signup
    position: int | None


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    unit_id: int
    created_by: int
    source: MessageRef
    audience: AudienceSpec
    status: NoticeStatus
    activity_id: int | None
    batch_id: int | None
    progress_shown: str | None  # the last counts written into the progress message
    progress_message_id: int | None = None  # that message, in the creator's chat


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def born_on_or_before(day: date, years: int) -> date:
    """The latest birth date of someone `years` old or older on `day` (29 February falls to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


_WHEN = re.compile(
    r"^\s*(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号號]?"
    r"\s*(?:(?P<h>\d{1,2})\s*[:：点點时時]\s*(?P<min>\d{1,2})?\s*分?)?\s*$"
)


def parse_when(text: str, today: date, tz: tzinfo, default_hour: int = 9) -> datetime | None:
    """A date and time as staff type them ("2025-06-01 09:30", "6月1日 9点30", "6/1 14:00"): without a
    year the next such day from today; without a time `default_hour`. None when it is no such moment."""
    found = _WHEN.match(text.translate(_FULL_WIDTH))
    if found is None:
        return None
    month, day = int(found["m"]), int(found["d"])
    hour = int(found["h"]) if found["h"] else default_hour
    minute = int(found["min"]) if found["min"] else 0
    try:
        year = int(found["y"]) if found["y"] else today.year
        moment = date(year, month, day)
        if not found["y"] and moment < today:
            moment = date(year + 1, month, day)
        return datetime.combine(moment, time(hour, minute), tz)
    except ValueError:
        return None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
