"""What the shape of a question tells the ranker: which of our documents' provinces it names ("江苏那边谁管
认证" asks for Jiangsu's rule, not the county's) and how many clauses it has (several facts asked at once)."""

from __future__ import annotations

import re
import unicodedata

from bot.knowledge.normalise import normalise

# Region id -> the names people use for it (Simplified; questions are folded to Simplified first).
REGION_NAMES: dict[str, tuple[str, ...]] = {
    "jiangsu": ("江苏", "苏省", "jiangsu"),
    "liaoning": ("辽宁", "辽省", "liaoning"),
}
_LATIN_WORD = re.compile(r"[a-z]+")
# Clause breaks: punctuation, and in Chinese the spaces people type instead of commas.
_CLAUSE_BREAK = re.compile(r"[,.;:!?，。；：！？]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
MIN_CLAUSE_CHARS = 3


def mentioned_regions(text: str) -> frozenset[str]:
    norm = normalise(text)
    words = set(_LATIN_WORD.findall(norm))
    return frozenset(
        region
        for region, names in REGION_NAMES.items()
        if any(name in words if name.isascii() else name in norm for name in names)
    )


def clauses(text: str) -> list[str]:
    """The question's clauses of some length: "我爸去世了，能领什么钱，要带哪些材料" has three."""
    pieces = _CLAUSE_BREAK.split(unicodedata.normalize("NFKC", text))
    return [c.strip() for c in pieces if len(c.strip()) >= MIN_CLAUSE_CHARS]


def clause_count(text: str) -> int:
    return max(1, len(clauses(text)))
