"""The words of roster files (vocabulary.yaml), loaded once and checked: a broken file fails at import,
naming what is wrong, rather than quietly mis-reading a roster."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.domain.people import UnitKind

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")
UNIT_FIELDS = ("code", "name", "kind", "parent_code")
ROSTER_FIELDS = (
    "name",
    "id_number",
    "birth_date",
    "retirement_date",
    "community_code",
    "phone",
    "lives_elsewhere",
    "status",
)


class VocabularyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Vocabulary:
    unit_columns: Mapping[str, Sequence[str]]
    roster_columns: Mapping[str, Sequence[str]]
    unit_kinds: Mapping[str, UnitKind]
    yes: frozenset[str]
    no: frozenset[str]
    alive: frozenset[str]
    deceased: frozenset[str]


def word(text: str) -> str:
    """A cell's word as the vocabulary holds it."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def _words(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise VocabularyError(f"{VOCABULARY_FILE.name}: {where} must be a list of words")
    return [word(item) for item in raw]


def _columns(raw: Any, fields: Sequence[str], where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or sorted(raw) != sorted(fields):
        raise VocabularyError(f"{VOCABULARY_FILE.name}: {where} must name exactly {', '.join(fields)}")
    return {name: tuple(_words(raw[name], f"{where}.{name}")) for name in fields}


def _disjoint(where: str, *groups: Iterable[str]) -> None:
    seen: set[str] = set()
    for group in groups:
        twice = seen & set(group)
        if twice:
            raise VocabularyError(f"{VOCABULARY_FILE.name}: {where}: {sorted(twice)} mean two things")
        seen |= set(group)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    raw = yaml.safe_load(path.read_text("utf-8"))
    kinds_raw = raw.get("unit_kinds")
    if not isinstance(kinds_raw, dict) or sorted(kinds_raw) != sorted(kind.value for kind in UnitKind):
        raise VocabularyError(
            f"{path.name}: unit_kinds must name each of {', '.join(k.value for k in UnitKind)}"
        )
    kinds = {name: _words(words, f"unit_kinds.{name}") for name, words in kinds_raw.items()}
    _disjoint("unit_kinds", *kinds.values())
    yes, no = _words(raw.get("yes"), "yes"), _words(raw.get("no"), "no")
    alive, deceased = _words(raw.get("alive"), "alive"), _words(raw.get("deceased"), "deceased")
    _disjoint("yes/no", yes, no)
    _disjoint("alive/deceased", alive, deceased)
    return Vocabulary(
        unit_columns=_columns(raw.get("unit_columns"), UNIT_FIELDS, "unit_columns"),
        roster_columns=_columns(raw.get("roster_columns"), ROSTER_FIELDS, "roster_columns"),
        unit_kinds={w: UnitKind(name) for name, words in kinds.items() for w in words},
        yes=frozenset(yes),
        no=frozenset(no),
        alive=frozenset(alive),
        deceased=frozenset(deceased),
    )


VOCABULARY = load_vocabulary()
