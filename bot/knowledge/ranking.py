"""Choosing among the retriever's candidates: the score finds them; coverage, the nearest phrasing, the
facet asked and the province named decide between them.

final = (score / best score + PARAPHRASE_WEIGHT * nearest phrasing + FACET_WEIGHT * facet agreement)
        * (COVERAGE_FLOOR + coverage) * region factor
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.facets import FacetProfile, facets_of
from bot.knowledge.paraphrase import ParaphraseIndex
from bot.knowledge.retriever import Hit

SCORE_WEIGHT = 1.0
PARAPHRASE_WEIGHT = 2.0
FACET_WEIGHT = 0.5
COVERAGE_FLOOR = 0.3
MULTI_PART_EMPHASIS = 1.0
# Entries of the deployment's own region win a near tie against another province's.
LOCAL_BOOST = 1.15
# A question naming a province wants that province's entries; other provinces' (and our own region's,
# when it is not the one named) fall back. Entries true everywhere are left alone.
NAMED_BOOST = 1.5
UNNAMED_PENALTY = 0.7


@dataclass(frozen=True, slots=True)
class Candidate:
    region: str
    local: bool
    facets: FacetProfile


class Ranker:
    def __init__(self, candidates: Sequence[Candidate], paraphrases: ParaphraseIndex) -> None:
        self._candidates = candidates
        self._paraphrases = paraphrases

    def agreement(self, index: int, asked: frozenset[str]) -> float:
        """How well entry `index`'s phrasings ask the facets `asked`."""
        return self._candidates[index].facets.agreement(asked)

    def rank(
        self, hits: Sequence[Hit], tokens: Sequence[str], named: frozenset[str], parts: int = 1
    ) -> list[Hit]:
        """`hits` re-scored for a question with `tokens`, in `parts` clauses, naming the provinces
        `named`."""
        if not hits:
            return []
        top = max(h.score for h in hits) or 1.0
        nearest = self._paraphrases.similarities(tokens, [h.index for h in hits])
        asked = facets_of(tokens)
        # Several questions in one ("去世了领什么钱，带哪些材料，卡里的钱怎么办"): the entry that answers
        # all of them beats the one that answers one part best.
        emphasis = 1 + MULTI_PART_EMPHASIS * (max(parts, 1) - 1)
        ranked = []
        for hit in hits:
            candidate = self._candidates[hit.index]
            relevance = (
                SCORE_WEIGHT * hit.score / top
                + PARAPHRASE_WEIGHT * nearest.get(hit.index, 0.0)
                + FACET_WEIGHT * candidate.facets.agreement(asked)
            )
            score = relevance * (COVERAGE_FLOOR + hit.coverage) ** emphasis * _region_factor(candidate, named)
            ranked.append(Hit(hit.index, score, hit.coverage))
        return sorted(ranked, key=lambda h: (-h.score, h.index))


def _region_factor(candidate: Candidate, named: frozenset[str]) -> float:
    if not named:
        return LOCAL_BOOST if candidate.local else 1.0
    if candidate.region in named:
        return NAMED_BOOST
    return 1.0 if candidate.region == "general" else UNNAMED_PENALTY
