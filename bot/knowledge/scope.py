"""Questions our documents cannot answer however well their words match: chit-chat, and the rules of
places other than ours ("北京的养老金涨多少" is not answered by the county's notes). The cues are in the
lexicon (data/lexicon/scope.yaml); the other places are the region profile's (`other_places`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge import lexicon
from bot.knowledge.normalise import normalise

_WORD = re.compile(r"[a-z0-9']+")


class ScopeGuard:
    def __init__(self, other_places_zh: Iterable[str] = (), other_places_en: Iterable[str] = ()) -> None:
        self._zh_places = [normalise(p) for p in other_places_zh]
        self._en_places = [tuple(p.split()) for p in other_places_en]
        self._zh_chat = [normalise(c) for c in lexicon.CHITCHAT_ZH]
        self._zh_off = [normalise(c) for c in lexicon.OFF_TOPIC_ZH]

    def out_of_scope(self, text: str) -> str | None:
        """Why the question is outside what we answer ("chit-chat", "other-region", "off-topic"), or None."""
        norm = normalise(text)
        if any(c in norm for c in self._zh_chat) or any(c in f" {norm} " for c in lexicon.CHITCHAT_EN):
            return "chit-chat"
        if self._names_other_place_zh(norm) or self._names_other_place_en(norm):
            return "other-region"
        if any(c in norm for c in self._zh_off) or any(c in f" {norm} " for c in lexicon.OFF_TOPIC_EN):
            return "off-topic"
        if any(a in norm for a in lexicon.ABROAD) and any(c in norm for c in lexicon.CERTIFICATION_WORDS):
            return "off-topic"
        return None

    def lives_elsewhere(self, text: str) -> bool:
        """Whether the question says the asker lives in (or moved to) another place: "我在广州带外孙",
        "moved to Shenzhen". Such a question is about living elsewhere, not about that place's rules."""
        norm = normalise(text)
        return any(not foreign for foreign in self._places_zh(norm)) or any(
            not foreign for foreign in self._places_en(norm)
        )

    def _names_other_place_zh(self, norm: str) -> bool:
        return any(self._places_zh(norm))

    def _places_zh(self, norm: str) -> list[bool]:
        """For each mention of another place: True when it is named as such, False when lived in."""
        found = []
        for place in self._zh_places:
            start = norm.find(place)
            while start >= 0:
                before = norm[max(0, start - 4) : start]
                found.append(
                    not any(before.endswith(verb) or verb in before for verb in lexicon.RESIDENCE_ZH)
                )
                start = norm.find(place, start + 1)
        return found

    def _names_other_place_en(self, norm: str) -> bool:
        return any(self._places_en(norm))

    def _places_en(self, norm: str) -> list[bool]:
        words = _WORD.findall(norm)
        present = set(words)
        found = []
        for place in self._en_places:
            if place[0] not in present:
                continue
            for start in range(len(words) - len(place) + 1):
                if tuple(words[start : start + len(place)]) != place:
                    continue
                before = words[max(0, start - 6) : start]
                found.append(not lexicon.RESIDENCE_EN.intersection(before))
        return found
