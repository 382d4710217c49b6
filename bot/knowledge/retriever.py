"""Ranking documents (knowledge-base entries or ingested passages) for a question, with a confidence.

Ranking is BM25 over words and concepts (questions and keywords weigh most, then the answer texts), plus a
little BM25 over Han character pairs as a net under misspellings. Confidence is the share of the question's
units (weighted by how rare they are in the index) that the top document covers, so a question mostly about
things the index has never heard of ("天气", "股票") scores low however well one word matches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.analyzer import Analysis, Unit
from bot.knowledge.bm25 import BM25
from bot.knowledge.facets import FACETS

QUESTION_WEIGHT = 1.0
ANSWER_WEIGHT = 0.4
BIGRAM_WEIGHT = 0.15


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    question_tokens: Sequence[str]  # how people ask: questions and keywords
    answer_tokens: Sequence[str]  # what it says
    bigrams: Sequence[str]
    # Concepts the document is about without saying them (certification is about the pension): they
    # count for coverage, not for the score.
    implied: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    index: int
    score: float
    coverage: float


# Question frames ("when", "where", "how much") matter for ranking but say little about whether the question
# is one of ours: they count for less in the coverage.
INTENTS = FACETS
INTENT_SHARE = 0.3
INTENT_BONUS = 1.0
# A word the index knows is at least this share of an unknown one: common words of our domain ("养老金")
# have a low rarity in the index, but a question that uses them is still about our domain.
KNOWN_FLOOR = 0.4
KNOWN_MIX = 0.0


class Retriever:
    def __init__(
        self, documents: Sequence[IndexedDocument], background: Callable[[str], float] | None = None
    ) -> None:
        """`background(token)` (0..1) scales the weight of a token the index lacks: 1 for a rare word, less
        for an everyday one ("家里", "上周") that says little about what is asked."""
        self._background = background or (lambda _token: 1.0)
        self._questions = BM25([d.question_tokens for d in documents])
        self._answers = BM25([d.answer_tokens for d in documents])
        self._bigrams = BM25([d.bigrams for d in documents])
        self._vocab = [set(d.question_tokens) | set(d.answer_tokens) | set(d.implied) for d in documents]
        self.size = len(documents)

    def state(self) -> tuple[Any, ...]:
        return (
            self._questions.state(),
            self._answers.state(),
            self._bigrams.state(),
            [frozenset(v) for v in self._vocab],
        )

    @classmethod
    def from_state(cls, state: Sequence[Any], background: Callable[[str], float] | None = None) -> Retriever:
        """A retriever as `state()` left it: nothing is counted again."""
        retriever = cls.__new__(cls)
        questions, answers, bigrams, vocab = state
        retriever._background = background or (lambda _token: 1.0)
        retriever._questions = BM25.from_state(questions)
        retriever._answers = BM25.from_state(answers)
        retriever._bigrams = BM25.from_state(bigrams)
        retriever._vocab = [set(v) for v in vocab]
        retriever.size = len(retriever._vocab)
        return retriever

    def weight(self, token: str) -> float:
        """How much a token says: its rarity in the index; a token the index lacks counts as rarest (less
        its everyday frequency)."""
        unseen = self._questions.unseen_idf
        if token in self._questions:
            weight = max(self._questions.idf(token), KNOWN_FLOOR * unseen) * self._known_background(token)
        elif token in self._answers:
            weight = max(self._answers.idf(token), KNOWN_FLOOR * unseen) * self._known_background(token)
        else:
            weight = unseen * self._background(token)
        return weight * INTENT_SHARE if token in INTENTS else weight

    def _known_background(self, token: str) -> float:
        return KNOWN_MIX + (1 - KNOWN_MIX) * self._background(token)

    def search(self, analysis: Analysis, limit: int = 3) -> list[Hit]:
        if not self.size:
            return []
        totals: dict[int, float] = {}
        intents = [t for t in analysis.tokens if t in INTENTS]
        for weight, scores in (
            (QUESTION_WEIGHT, self._questions.scores(analysis.tokens)),
            # What is asked about a subject (when, where, what papers) tells its entries apart.
            (INTENT_BONUS, self._questions.scores(intents)),
            (ANSWER_WEIGHT, self._answers.scores(analysis.tokens)),
            (BIGRAM_WEIGHT, self._bigrams.scores(analysis.bigrams)),
        ):
            for index, score in scores.items():
                totals[index] = totals.get(index, 0.0) + weight * score
        best = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
        weights = self._weights(analysis)
        return [Hit(index, score, self.coverage(analysis, index, weights)) for index, score in best]

    def _weights(self, analysis: Analysis) -> dict[str, float]:
        """The weight of each token of the question's units, worked out once per question."""
        return {t: self.weight(t) for unit in analysis.units for t in (unit.primary, *unit.alternatives)}

    def covers(self, index: int, unit: Unit) -> bool:
        """Whether document `index` has any of the unit's tokens."""
        return not unit.alternatives.isdisjoint(self._vocab[index])

    def coverage(self, analysis: Analysis, index: int, weights: dict[str, float] | None = None) -> float:
        weight = weights if weights is not None else self._weights(analysis)
        vocab = self._vocab[index]
        total = covered = 0.0
        for unit in analysis.units:
            full = weight[unit.primary]
            total += full
            # A sub-word earns its share of the word: "养老" covers two thirds of "养老院".
            matched = [
                weight[t] * min(1.0, len(t) / len(unit.primary)) if not t.startswith("@") else weight[t]
                for t in unit.alternatives
                if t in vocab
            ]
            if matched:
                covered += min(full, max(matched))
        return covered / total if total else 0.0
