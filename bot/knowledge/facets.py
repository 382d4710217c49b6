"""What a question asks about its subject: when, where, which papers, which steps, how much, who, what
if, what is, why.

Several entries share a subject (certification has a "what", a "when", a "where", a "what to bring", a
"what if I miss it" ...). Words alone find the subject; the facet picks the entry. An entry's facets are
read from the ways people ask it (its `questions`): the share of its phrasings that carry each facet. A
question with no facet at all (just "养老金年审") leaves the choice to the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FACETS: frozenset[str] = frozenset(
    {"@when", "@where", "@docs", "@steps", "@amount", "@who", "@whatif", "@define", "@why"}
)
NO_FACET = "-"
"""The facet of a question that asks for nothing in particular about its subject."""


def facets_of(tokens: Iterable[str]) -> frozenset[str]:
    """The facets among a question's tokens, or {NO_FACET}."""
    found = FACETS.intersection(tokens)
    return frozenset(found) if found else frozenset({NO_FACET})


@dataclass(frozen=True, slots=True)
class FacetProfile:
    """The share of an entry's phrasings that carry each facet (NO_FACET included)."""

    shares: Mapping[str, float]

    @classmethod
    def of(cls, phrasings: Iterable[Iterable[str]]) -> FacetProfile:
        counts: dict[str, int] = {}
        total = 0
        for tokens in phrasings:
            total += 1
            for facet in facets_of(tokens):
                counts[facet] = counts.get(facet, 0) + 1
        return cls({facet: count / total for facet, count in counts.items()} if total else {})

    def agreement(self, asked: frozenset[str]) -> float:
        """0..1: how well the entry's phrasings ask what the question asks (the mean share of its facets);
        0 for a question with no facet, which says nothing about which entry it wants."""
        if not asked or asked == {NO_FACET}:
            return 0.0
        return sum(self.shares.get(facet, 0.0) for facet in asked) / len(asked)
