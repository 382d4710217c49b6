"""When a message may go: quiet hours in the recipient's time zone, and backoff after transient errors."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.outbox import MessageCategory


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local times between which nothing but urgent messages is sent; `start` > `end` spans midnight."""

    start: time = time(20, 0)
    end: time = time(8, 30)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """ "20:00-08:30" (an empty string or "off" disables them: start == end)."""
        if text.strip().lower() in ("", "off", "none"):
            return cls(time(0, 0), time(0, 0))
        first, sep, second = text.partition("-")
        if not sep:
            raise ValueError(f"quiet hours must look like 20:00-08:30, not {text!r}")
        return cls(time.fromisoformat(first.strip()), time.fromisoformat(second.strip()))

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    def contains(self, local: time) -> bool:
        if not self.enabled:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """None when `now` is outside quiet hours in `zone`; else the (aware) instant they end."""
        local = now.astimezone(zone)
        if not self.contains(local.time().replace(tzinfo=None)):
            return None
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return end


def quiet_until(
    category: MessageCategory, now: datetime, zone_name: str | None, default: ZoneInfo, hours: QuietHours
) -> datetime | None:
    """When a message of `category` to someone in `zone_name` may go, if not now. Urgent ones always may."""
    if category is MessageCategory.URGENT:
        return None
    return hours.until(now, zone_of(zone_name, default))


def zone_of(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A bad zone on one row must not stop delivery; the service's own zone is the best guess.
        return default


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, times a random factor in [0.5, 1.5)
    so that a thousand messages failing together do not come back together."""

    base_s: float = 2.0
    cap_s: float = 600.0
    max_attempts: int = 6

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        factor: float = (rng or random).uniform(0.5, 1.5)
        exponential: float = self.base_s * 2.0 ** max(0, attempt - 1)
        return min(self.cap_s, exponential) * factor

    def gives_up(self, attempt: int) -> bool:
        return attempt >= self.max_attempts
