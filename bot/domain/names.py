"""Comparing people's names as typed by elderly users against the roster.

Two names match when they are equal after removing spaces and separator dots, folding full-width forms
to half-width, ignoring case, and mapping Traditional characters to Simplified (張偉 = 张伟).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Separators people put inside names: spaces of every width and the dots of transliterated names.
_SEPARATORS = re.compile(r"[\s·•・．.\-‧]+")
MAX_NAME_LENGTH = 40


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name)
    folded = _SEPARATORS.sub("", folded).casefold()
    return str(_to_simplified().convert(folded))


def names_match(a: str, b: str) -> bool:
    left, right = normalise_name(a), normalise_name(b)
    return bool(left) and left == right


def plausible_name(text: str) -> bool:
    """Whether the text could be a person's name: letters, not digits, not too long."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return 0 < len(cleaned) <= MAX_NAME_LENGTH and all(ch.isalpha() or ch in "'" for ch in cleaned)
