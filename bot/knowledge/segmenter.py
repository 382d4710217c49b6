"""Chinese word segmentation with jieba, loaded once, quietly, and without writing any cache file.

jieba's own start-up builds a prefix dictionary of 350,000 words and caches it in the temp folder. We build
it in memory from the words a retiree's question can plausibly contain (jieba's dictionary without its
rarest entries, plus our domain words) which takes a fraction of the time and writes nothing anywhere.
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import jieba

# Words seen fewer times than this in jieba's corpus are mostly names and rare compounds; without them
# the dictionary loads about four times faster and segments everyday questions the same.
MIN_FREQUENCY = 10
# Domain words must win over the everyday splits ("资格" + "认证"); a high count makes them whole words.
DOMAIN_FREQUENCY = 50_000

_lock = threading.Lock()
# A dictionary line "word count [tag]" whose count has two digits at least (MIN_FREQUENCY): one regular
# expression over the whole file is many times faster than splitting 350,000 lines in Python.
_FREQUENT_LINE = re.compile(rb"^[^ \n]+ [1-9][0-9]+(?: [^\n]*)?$", re.MULTILINE)


Dictionary = tuple[dict[str, int], int]
"""jieba's prefix dictionary (word or prefix -> count, 0 for a bare prefix) and the total count."""


def build_dictionary(domain_words: Iterable[str] = ()) -> Dictionary:
    """The prefix dictionary: jieba's words seen often enough, and ours."""
    raw = (Path(jieba.__file__).resolve().parent / "dict.txt").read_bytes()
    lines = [m.group(0) for m in _FREQUENT_LINE.finditer(raw)]
    lines += [f"{word} {DOMAIN_FREQUENCY}".encode() for word in sorted(set(domain_words)) if word]
    with _lock:
        freq, total = jieba.Tokenizer().gen_pfdict(io.BytesIO(b"\n".join(lines)))
    return freq, total


class Segmenter:
    def __init__(self, domain_words: Iterable[str] = (), dictionary: Dictionary | None = None) -> None:
        """`dictionary` (from `build_dictionary(domain_words)`, e.g. read from the index cache) saves
        building it again."""
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._domain = frozenset(domain_words)
        self.dictionary = dictionary if dictionary is not None else build_dictionary(self._domain)
        self._tokenizer.FREQ, self._tokenizer.total = self.dictionary
        # Marks the tokenizer loaded, so jieba never reads (or caches) its default dictionary.
        self._tokenizer.initialized = True

    def cut(self, text: str) -> list[str]:
        """Words and, for long words, their dictionary sub-words (jieba's search mode); no HMM guessing, so
        the same text always gives the same tokens."""
        return [word for word in self._tokenizer.cut_for_search(text, HMM=False) if word.strip()]

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Like `cut`, with each word's start and end in `text`."""
        return [
            (word, start, end)
            for word, start, end in self._tokenizer.tokenize(text, mode="search", HMM=False)
            if word.strip()
        ]

    def everyday(self, word: str) -> float:
        """0..1: how rare `word` is in everyday Chinese (jieba's corpus): 1 for rare or unknown words, down
        to 0.3 for the commonest."""
        count = self._tokenizer.FREQ.get(word, 0)
        # Our own words carry an inflated count (DOMAIN_FREQUENCY) to keep them whole: they are not
        # everyday words.
        if count <= 0 or word in self._domain:
            return 1.0
        rarity = math.log(self._tokenizer.total / count)
        return min(1.0, max(0.3, (rarity - 7.0) / 7.0))

    def is_word(self, text: str) -> bool:
        return bool(self._tokenizer.FREQ.get(text))
