"""The nearest phrasing: how closely a question matches the single best of each document's phrasings.

BM25 over all of an entry's phrasings at once rewards an entry that mentions many things across them; a
question is usually a variant of one phrasing. The similarity is a weighted Dice coefficient of token sets
(weights are inverse phrasing frequencies), so a phrasing that says what the question says, and little
else, scores highest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any


class ParaphraseIndex:
    def __init__(self, documents: Sequence[Sequence[Iterable[str]]]) -> None:
        """`documents[i]` is the token lists of document i's phrasings."""
        phrasings: list[tuple[int, frozenset[str]]] = [
            (index, frozenset(tokens)) for index, texts in enumerate(documents) for tokens in texts
        ]
        frequency: dict[str, int] = {}
        for _, tokens in phrasings:
            for token in tokens:
                frequency[token] = frequency.get(token, 0) + 1
        size = len(phrasings) or 1
        self._idf = {token: math.log(1 + size / count) for token, count in frequency.items()}
        # A token no phrasing has weighs like the rarest: it is part of what the question says.
        self._unseen = math.log(1 + size)
        self._owner = [index for index, _ in phrasings]
        self._tokens = [tokens for _, tokens in phrasings]
        self._spans = _spans(self._owner, len(documents))
        self._mass = [sum(self._idf[t] for t in tokens) for _, tokens in phrasings]
        self._postings: dict[str, list[int]] = {}
        for position, (_, tokens) in enumerate(phrasings):
            for token in tokens:
                self._postings.setdefault(token, []).append(position)

    def state(self) -> tuple[Any, ...]:
        return (self._idf, self._unseen, self._owner, self._mass, self._postings, self._tokens)

    @classmethod
    def from_state(cls, state: Sequence[Any]) -> ParaphraseIndex:
        index = cls.__new__(cls)
        idf, unseen, owner, mass, postings, tokens = state
        index._idf, index._unseen = dict(idf), float(unseen)
        index._owner, index._mass, index._postings = list(owner), list(mass), dict(postings)
        index._tokens = [frozenset(t) for t in tokens]
        index._spans = _spans(index._owner, max(index._owner, default=-1) + 1)
        return index

    def similarities(self, tokens: Iterable[str], among: Iterable[int] | None = None) -> dict[int, float]:
        """Document index -> 0..1, the similarity of its closest phrasing (documents sharing no token are
        left out). `among`: only these documents (the ranker's few candidates), which is much cheaper
        than walking every phrasing that shares a common word."""
        query = set(tokens)
        query_mass = sum(self._idf.get(t, self._unseen) for t in query)
        shared: dict[int, float] = {}
        if among is None:
            for token in query:
                weight = self._idf.get(token)
                if weight is None:
                    continue
                for position in self._postings[token]:
                    shared[position] = shared.get(position, 0.0) + weight
        else:
            known = {t: w for t in query if (w := self._idf.get(t)) is not None}
            words = frozenset(known)
            for document in set(among):
                for position in self._positions_of(document):
                    common = words.intersection(self._tokens[position])
                    if common:
                        shared[position] = sum(known[t] for t in common)
        best: dict[int, float] = {}
        for position, overlap in shared.items():
            score = 2 * overlap / (query_mass + self._mass[position])
            owner = self._owner[position]
            if score > best.get(owner, 0.0):
                best[owner] = score
        return best

    def _positions_of(self, document: int) -> range:
        start, end = self._spans[document] if document < len(self._spans) else (0, 0)
        return range(start, end)


def _spans(owners: Sequence[int], documents: int) -> list[tuple[int, int]]:
    """Document -> the (start, end) of its phrasings among all phrasings (they are listed in order)."""
    spans = [(0, 0)] * documents
    start = 0
    for position in range(1, len(owners) + 1):
        if position == len(owners) or owners[position] != owners[start]:
            spans[owners[start]] = (start, position)
            start = position
    return spans
