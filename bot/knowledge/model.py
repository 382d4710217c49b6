"""What the knowledge base is made of, as loaded and validated from bot/knowledge/data/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

LANGUAGES: tuple[str, ...] = ("zh_Hans", "zh_Hant", "en")
REGIONS: tuple[str, ...] = ("liaoning", "jiangsu", "county", "general")
TOPICS: tuple[str, ...] = (
    "certification",
    "after-retiring",
    "payment",
    "elsewhere",
    "death-benefits",
    "overpayment",
    "data-change",
    "own-pension",
    "socialised-management",
    "community-staff",
    "party-membership",
    "employer-duties",
    "jiangsu-services",
    "venues",
    "archives",
    "funding",
    "hand-over",
)
MAX_ANSWER_CHARS = 400
MAX_MORE_CHARS = 3000

Localised = Mapping[str, str]
"""Text per language: zh_Hans, zh_Hant and en."""


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    region: str
    title: Localised
    issuer: Localised
    date: date


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    topic: str
    source: str  # a Source id
    section: str
    region: str
    needs: tuple[str, ...]
    questions: Mapping[str, tuple[str, ...]]
    keywords: Mapping[str, tuple[str, ...]]
    answer: Localised
    more: Localised | None
    file: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of an ingested document, with what is needed to cite it."""

    id: int
    title: str
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    sources: Mapping[str, Source]
    entries: tuple[Entry, ...]

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)
