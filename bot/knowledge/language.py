"""Which of our languages a question is written in: English, Simplified or Traditional Chinese.

Chinese is told apart from English by counting Han characters against Latin letters; Traditional from
Simplified by the characters that only one of the two scripts uses (OpenCC changes them on conversion).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bot.knowledge.normalise import is_han, to_simplified, to_traditional

ZH_HANS = "zh_Hans"
ZH_HANT = "zh_Hant"
EN = "en"


# Characters OpenCC would turn into Traditional ones that Traditional text also writes as they are
# (台灣, 只有, 面對, 準備 ...): they prove nothing about the script.
_SHARED = frozenset("台干里面只系准历制丑卷松注冲范胡划伙采困苏征致症志才云斗谷姜秋千")


@lru_cache(maxsize=8192)
def _script_of(char: str) -> int:
    """+1 for a Traditional-only character, -1 for a Simplified-only one, 0 for one shared by both."""
    if to_simplified(char) != char:
        return 1
    if char not in _SHARED and to_traditional(char) != char:
        return -1
    return 0


def detect_language(text: str, default: str = ZH_HANS) -> str:
    folded = unicodedata.normalize("NFKC", text)
    han = [c for c in folded if is_han(c)]
    latin = sum(1 for c in folded if c.isascii() and c.isalpha())
    if not han:
        return EN if latin else default
    # A Chinese question may quote an English word ("APP", "ID"); an English one rarely has Han characters.
    if latin > 3 * len(han) and len(han) <= 2:
        return EN
    scripts = [_script_of(c) for c in han]
    traditional, simplified = scripts.count(1), scripts.count(-1)
    if traditional and traditional >= simplified:
        return ZH_HANT
    if simplified:
        return ZH_HANS
    return default if default in (ZH_HANS, ZH_HANT) else ZH_HANS
