"""Text normalisation shared by indexing and querying: one script (Simplified), one width, one case.

Traditional and Simplified questions must meet the same index, so everything is folded to Simplified with
OpenCC before it is tokenised; NFKC turns full-width letters, digits and punctuation into their plain forms.
Hong Kong and Taiwan writers use variant characters every day (衞 for 衛, 着 or 著, 甚麼 for 什麼): OpenCC's
hk2s reads Hong Kong's variants as the usual forms before converting (it differs from t2s in nothing else),
and the few it leaves are in variants.yaml.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

from bot.knowledge.variants import shipped_variants


@lru_cache(maxsize=1)
def _hk2s() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """`text` in Simplified characters, fit to show (Hong Kong's variants read as the usual forms)."""
    return str(_hk2s().convert(text))


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text))


def fold_script(text: str) -> str:
    """`text` in Simplified characters with the regional variants folded too, for matching only: the
    variants table reads 著 as 着 even in 著作, where a reader would want it kept."""
    return shipped_variants().fold(to_simplified(text))


def normalise(text: str) -> str:
    """NFKC, Simplified script (regional variants folded), lower case, runs of white space made one space."""
    folded = unicodedata.normalize("NFKC", text)
    return " ".join(fold_script(folded).lower().split())


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
