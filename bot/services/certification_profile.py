"""Which certification calendar and region values are in force: the region profile's `certification:`
section (REGION_PROFILE, the county by default).

The wiring loads it once at start (`load_profile(settings.region_profile, settings.timezone)`) and passes
it to the core, whose flows find it in their Context, and to the scheduler's jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.domain.certification_calendar import CalendarError, CertificationCalendar, calendar_from_mapping
from bot.regions import DEFAULT_PROFILE, RegionProfile, load_region_profile


@dataclass(frozen=True, slots=True)
class CertificationProfile:
    calendar: CertificationCalendar
    region: RegionProfile

    def value(self, key: str, locale: str) -> str | None:
        return self.region.value(key, locale)


@lru_cache(maxsize=8)
def load_profile(path: Path | None = None, time_zone: str | None = None) -> CertificationProfile:
    path = path or DEFAULT_PROFILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarError(f"{path}: {exc}") from None
    try:
        calendar = calendar_from_mapping(raw.get("certification"), time_zone)
    except CalendarError as exc:
        raise CalendarError(f"{path}: {exc}") from None
    return CertificationProfile(calendar, load_region_profile(path))
