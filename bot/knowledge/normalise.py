"""Text normalisation shared by indexing and querying: one script (Simplified), one width, one case.

Traditional and Simplified questions must meet the same index, so everything is folded to Simplified with
OpenCC before it is tokenised; NFKC turns full-width letters, digits and punctuation into their plain forms.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text))


def normalise(text: str) -> str:
    """NFKC, Simplified script, lower case, runs of white space made one space."""
    folded = unicodedata.normalize("NFKC", text)
    return " ".join(to_simplified(folded).lower().split())


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
