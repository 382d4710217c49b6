"""The nearest phrasing: how closely a question matches the single best of each document's phrasings.

BM25 over all of an entry's phrasings at once rewards an entry that mentions many things across them; a
question is usually a variant of one phrasing. The similarity is a weighted Dice coefficient of token sets
(weights are inverse phrasing frequencies), so a phrasing that says what the question says, and little
else, scores highest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


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
        self._mass = [sum(self._idf[t] for t in tokens) for _, tokens in phrasings]
        self._postings: dict[str, list[int]] = {}
        for position, (_, tokens) in enumerate(phrasings):
            for token in tokens:
                self._postings.setdefault(token, []).append(position)

    def similarities(self, tokens: Iterable[str]) -> dict[int, float]:
        """Document index -> 0..1, the similarity of its closest phrasing (documents sharing no token are
        left out)."""
        query = set(tokens)
        query_mass = sum(self._idf.get(t, self._unseen) for t in query)
        shared: dict[int, float] = {}
        for token in query:
            weight = self._idf.get(token)
            if weight is None:
                continue
            for position in self._postings[token]:
                shared[position] = shared.get(position, 0.0) + weight
        best: dict[int, float] = {}
        for position, overlap in shared.items():
            score = 2 * overlap / (query_mass + self._mass[position])
            owner = self._owner[position]
            if score > best.get(owner, 0.0):
                best[owner] = score
        return best
