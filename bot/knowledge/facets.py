"""What a question asks about its subject: when, where, which papers, how much, who, what if, what is, why.

Several entries share a subject (certification has a "what", a "when", a "where", a "what to bring", a
"what if I miss it" ...). Words alone find the subject; the facet picks the entry. An entry's facets are
read from the ways people ask it (its `questions`): the share of its phrasings that carry each facet. A
question with no facet at all ("认证是怎么回事" aside, just "认证") matches entries whose phrasings mostly
carry none, which are the overview entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FACETS: frozenset[str] = frozenset(
    {"@when", "@where", "@docs", "@amount", "@who", "@whatif", "@define", "@why"}
)
NO_FACET = "-"
"""The facet of a question that asks for nothing in particular about its subject."""


def facets_of(tokens: Iterable[str]) -> frozenset[str]:
    """The facets among a question's tokens, or {NO_FACET}."""
    found = FACETS.intersection(tokens)
    return frozenset(found) if found else frozenset({NO_FACET})


# A concept in at least this share of an entry's phrasings is part of what the entry is about.
CORE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class FacetProfile:
    """The share of an entry's phrasings that carry each concept token ("@cert") and each facet (NO_FACET
    included)."""

    shares: Mapping[str, float]

    @classmethod
    def of(cls, phrasings: Iterable[Iterable[str]]) -> FacetProfile:
        counts: dict[str, int] = {}
        total = 0
        for tokens in phrasings:
            total += 1
            found = {t for t in tokens if t.startswith("@")} | facets_of(tokens)
            for token in found:
                counts[token] = counts.get(token, 0) + 1
        return cls({token: count / total for token, count in counts.items()} if total else {})

    def core_coverage(self, asked: Iterable[str]) -> float:
        """0..1: how much of what the entry is about (the concepts most of its phrasings carry) the
        question asks; 1 for an entry with no such concept. "养老金年审" asks all of what the overview of
        certification is about, and only part of what the entry on restoring a stopped pension is."""
        core = {t: s for t, s in self.shares.items() if s >= CORE_SHARE and t not in FACETS and t != NO_FACET}
        if not core:
            return 1.0
        tokens = set(asked)
        return sum(s for t, s in core.items() if t in tokens) / sum(core.values())

    def agreement(self, asked: frozenset[str]) -> float:
        """0..1: how well the entry's phrasings ask what the question asks (the mean share of its facets)."""
        if not asked:
            return 0.0
        return sum(self.shares.get(facet, 0.0) for facet in asked) / len(asked)
