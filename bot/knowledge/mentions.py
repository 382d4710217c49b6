"""Which of our documents' provinces a question names: "江苏那边谁管认证" asks for Jiangsu's rule, not the
county's, even where the county's entry matches its words better."""

from __future__ import annotations

import re

from bot.knowledge.normalise import normalise

# Region id -> the names people use for it (Simplified; questions are folded to Simplified first).
REGION_NAMES: dict[str, tuple[str, ...]] = {
    "jiangsu": ("江苏", "苏省", "jiangsu"),
    "liaoning": ("辽宁", "辽省", "liaoning"),
}
_LATIN_WORD = re.compile(r"[a-z]+")


def mentioned_regions(text: str) -> frozenset[str]:
    norm = normalise(text)
    words = set(_LATIN_WORD.findall(norm))
    return frozenset(
        region
        for region, names in REGION_NAMES.items()
        if any(name in words if name.isascii() else name in norm for name in names)
    )
