"""A small Okapi BM25 over token lists: a few hundred documents, scored by walking the query's postings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any


class BM25:
    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.6) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(documents)
        self._lengths = [len(doc) for doc in documents]
        self._average = (sum(self._lengths) / self.size) if self.size else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for index, doc in enumerate(documents):
            for token, count in Counter(doc).items():
                self._postings.setdefault(token, []).append((index, count))
        self._idf = {token: self._idf_of(len(postings)) for token, postings in self._postings.items()}
        # A token no document has: as rare as can be.
        self.unseen_idf = self._idf_of(1)
        self._norms = self._length_norms()

    def state(self) -> tuple[Any, ...]:
        """Everything the index holds, as plain data (for the index cache)."""
        return (self.k1, self.b, self.size, self._lengths, self._average, self._postings, self._idf)

    @classmethod
    def from_state(cls, state: Sequence[Any]) -> BM25:
        index = cls.__new__(cls)
        k1, b, size, lengths, average, postings, idf = state
        index.k1, index.b, index.size = float(k1), float(b), int(size)
        index._lengths, index._average = list(lengths), float(average)
        index._postings, index._idf = dict(postings), dict(idf)
        index.unseen_idf = index._idf_of(1)
        index._norms = index._length_norms()
        return index

    def _length_norms(self) -> list[float]:
        """Each document's length normalisation, worked out once instead of for every posting."""
        average = self._average or 1.0
        return [self.k1 * (1 - self.b + self.b * length / average) for length in self._lengths]

    def _idf_of(self, frequency: int) -> float:
        return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def idf(self, token: str) -> float:
        return self._idf.get(token, self.unseen_idf)

    def __contains__(self, token: str) -> bool:
        return token in self._postings

    def scores(self, query: Iterable[str]) -> dict[int, float]:
        """Document index -> score, for the documents that share a token with the query."""
        totals: dict[int, float] = {}
        for token in set(query):
            postings = self._postings.get(token)
            if not postings:
                continue
            idf = self._idf[token] * (self.k1 + 1)
            norms = self._norms
            for index, count in postings:
                totals[index] = totals.get(index, 0.0) + idf * count / (count + norms[index])
        return totals
