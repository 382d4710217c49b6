"""Region profiles: the local facts (office names, months, amounts) that differ from one deployment to the
next, kept in a YAML file beside this module (REGION_PROFILE chooses one; the county is the default).

A value is given per language, or as one text for all; null means the value is not known here, and the bot
then says to ask the office instead of inventing it. The `death_benefits:` section names the formula of the
death-benefit estimate and its parameters (bot/domain/death_benefits.py), null where not published.
The `claims:` section lists the documents a death-benefit claim needs and the office's working days and
holidays (a claim untouched for `review_working_days` of them goes to the supervisor).
`other_places` names the places whose rules people ask about and our documents do not give
("北京的养老金涨多少"): a question naming one goes to a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.domain.claims import ClaimRules, DocumentSpec
from bot.domain.death_benefits import DeathBenefitError, DeathBenefitRule, rule_from_mapping

PROFILES_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = PROFILES_DIR / "county.yaml"
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


class RegionError(ValueError):
    """A broken region profile; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class ActivityRules:
    """The `activities:` section: how long a freed place is held for the next in line, when the reminder
    goes out on the day before, and whether a notice to a whole district waits for a supervisor."""

    offer_hours: int = 24
    reminder_hour: int = 10  # local time, the day before the activity
    district_needs_approval: bool = False


@dataclass(frozen=True, slots=True)
class RegionProfile:
    id: str
    name: Mapping[str, str]
    documents: tuple[str, ...] = ()
    values: Mapping[str, Mapping[str, str] | None] = field(default_factory=dict)
    death_benefits: DeathBenefitRule | None = None  # None: the profile names no formula
    other_places_zh: tuple[str, ...] = ()  # Simplified, as questions are read
    other_places_en: tuple[str, ...] = ()  # lower case
    claims: ClaimRules | None = None  # None: the profile lists no claim documents
    activities: ActivityRules = field(default_factory=ActivityRules)

    def value(self, key: str, language: str) -> str | None:
        """The value in `language` (falling back to Simplified Chinese), or None when it is unknown."""
        texts = self.values.get(key)
        if not texts:
            return None
        return texts.get(language) or texts.get("zh_Hans")


def load_region_profile(path: Path | None = None) -> RegionProfile:
    path = path or DEFAULT_PROFILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegionError(f"{path}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise RegionError(f"{path}: needs an id")
    documents = raw.get("documents") or []
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise RegionError(f"{path}: documents must be a list of source ids")
    values_raw = raw.get("values") or {}
    if not isinstance(values_raw, dict):
        raise RegionError(f"{path}: values must be a mapping")
    values = {str(key): _per_language(path, str(key), value) for key, value in values_raw.items()}
    try:
        death_benefits = rule_from_mapping(raw["death_benefits"]) if "death_benefits" in raw else None
    except DeathBenefitError as exc:
        raise RegionError(f"{path}: {exc}") from None
    name = _per_language(path, "name", raw.get("name")) or {"zh_Hans": raw["id"]}
    places = raw.get("other_places") or {}
    if not isinstance(places, dict) or set(places) - {"zh", "en"}:
        raise RegionError(f"{path}: other_places must be a mapping with the lists zh and en")
    return RegionProfile(
        id=raw["id"],
        name=name,
        documents=tuple(documents),
        values=values,
        death_benefits=death_benefits,
        other_places_zh=_places(path, "zh", places.get("zh"), name),
        other_places_en=_places(path, "en", places.get("en"), name),
        claims=_claims(path, raw["claims"]) if "claims" in raw else None,
        activities=_activity_rules(path, raw.get("activities")),
    )


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLAIM_KEYS = {"documents", "working_days", "holidays", "workdays", "review_working_days"}


def _claims(path: Path, raw: Any) -> ClaimRules:
    where = f"{path}: claims"
    if not isinstance(raw, dict) or set(raw) - _CLAIM_KEYS:
        raise RegionError(f"{where} must be a mapping of {', '.join(sorted(_CLAIM_KEYS))}")
    documents = raw.get("documents")
    if not isinstance(documents, list) or not documents:
        raise RegionError(f"{where}.documents must be a list of documents")
    specs: list[DocumentSpec] = []
    for n, item in enumerate(documents):
        at = f"claims.documents[{n}]"
        if not isinstance(item, dict) or set(item) - {"key", "name", "only_for_agents"}:
            raise RegionError(f"{path}: {at} must have a key, a name and maybe only_for_agents")
        key = item.get("key")
        if not isinstance(key, str) or not key.isidentifier():
            raise RegionError(f"{path}: {at}.key must be a word like cremation_certificate")
        if any(spec.key == key for spec in specs):
            raise RegionError(f"{path}: {at}.key {key!r} is listed twice")
        names = _per_language(path, f"{at}.name", item.get("name"))
        if not names or set(names) != set(LANGUAGES):
            raise RegionError(f"{path}: {at}.name needs {', '.join(LANGUAGES)}")
        agents = item.get("only_for_agents", False)
        if not isinstance(agents, bool):
            raise RegionError(f"{path}: {at}.only_for_agents must be true or false")
        specs.append(DocumentSpec(key, names, agents))
    weekdays = raw.get("working_days", list(_WEEKDAYS[:5]))
    if not isinstance(weekdays, list) or not weekdays or any(d not in _WEEKDAYS for d in weekdays):
        raise RegionError(f"{where}.working_days must list days among {', '.join(_WEEKDAYS)}")
    days = raw.get("review_working_days", 3)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise RegionError(f"{where}.review_working_days must be a whole number of days, at least 1")
    return ClaimRules(
        documents=tuple(specs),
        working_days=frozenset(_WEEKDAYS.index(d) for d in weekdays),
        holidays=_dates(f"{where}.holidays", raw.get("holidays")),
        workdays=_dates(f"{where}.workdays", raw.get("workdays")),
        review_working_days=days,
    )


def _dates(where: str, raw: Any) -> frozenset[date]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list):
        raise RegionError(f"{where} must be a list of dates like 2027-10-01")
    found: set[date] = set()
    for value in raw:
        if isinstance(value, date):
            found.add(value)
            continue
        try:
            found.add(date.fromisoformat(str(value)))
        except ValueError:
            raise RegionError(f"{where}: {value!r} is not a date like 2027-10-01") from None
    return frozenset(found)


def _activity_rules(path: Path, raw: Any) -> ActivityRules:
    if raw is None:
        return ActivityRules()
    known = {"offer_hours", "reminder_hour", "district_needs_approval"}
    if not isinstance(raw, dict) or set(raw) - known:
        raise RegionError(f"{path}: activities may only set {', '.join(sorted(known))}")
    rules = ActivityRules(**raw)
    if not isinstance(rules.offer_hours, int) or not 1 <= rules.offer_hours <= 24 * 14:
        raise RegionError(f"{path}: activities.offer_hours must be a whole number of hours, 1 to 336")
    if not isinstance(rules.reminder_hour, int) or not 7 <= rules.reminder_hour <= 19:
        raise RegionError(f"{path}: activities.reminder_hour must be an hour from 7 to 19")
    if not isinstance(rules.district_needs_approval, bool):
        raise RegionError(f"{path}: activities.district_needs_approval must be true or false")
    return rules


def _places(path: Path, language: str, raw: Any, own: Mapping[str, str]) -> tuple[str, ...]:
    where = f"{path}: other_places.{language}"
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(place, str) and place.strip() for place in raw):
        raise RegionError(f"{where} must be a list of names")
    names = [f" {text.lower()} " for text in own.values()]
    places: list[str] = []
    for place in raw:
        if place in places:
            raise RegionError(f"{where}: {place!r} is listed twice")
        if language == "en" and place != place.lower():
            raise RegionError(f"{where}: {place!r}: English names are written in lower case")
        # Our own name listed as another place would turn away every question that names it.
        inside = f" {place} " if language == "en" else place
        if any(inside in name for name in names):
            raise RegionError(f"{where}: {place!r} is this region's own name")
        places.append(place)
    return tuple(places)


def _per_language(path: Path, key: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return dict.fromkeys(LANGUAGES, str(value))
    if isinstance(value, dict):
        texts = {lang: str(text) for lang, text in value.items() if lang in LANGUAGES and text is not None}
        if not texts:
            return None
        return texts
    raise RegionError(f"{path}: {key} must be a text, a mapping of languages to texts, or null")
