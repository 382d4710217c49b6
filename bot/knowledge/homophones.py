"""Homophone typos (认正 and 人证 for 认证, 社报局 for 社保局, 扶恤金 for 抚恤金): a stretch of the question
that sounds like a domain word, differs from it in at most half of its characters, and is not that word,
is read as the domain word. Tones are ignored, and so are the sounds many speakers merge (zh/z, ch/c, sh/s,
-ng/-n)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
# Particles and pronouns: a stretch holding one is almost never a misspelt term ("怎么领" is not "冒领").
_FUNCTION_CHARS = frozenset(
    "么怎什的了吗呢啊吧呀我你您他她它是在有和就都也还这那个样哪谁啥咋么嘛哦不没要会能可"
)


@lru_cache(maxsize=1)
def reading_table() -> dict[str, str]:
    """Every character pypinyin knows -> its toneless, folded common reading.

    Only the first (commonest) reading counts: rare readings make unrelated words sound alike (离 has a
    rare "chi", which would turn 延迟退休 into 延离退休). Imported on first use: pypinyin's table takes
    most of a second to import, so a warm start reads this table from the index cache instead.
    """
    from pypinyin.pinyin_dict import pinyin_dict

    return {chr(code): _fold(raw.split(",")[0].translate(_TONES)) for code, raw in pinyin_dict.items() if raw}


def _fold(syllable: str) -> str:
    for retroflex in ("zh", "ch", "sh"):
        if syllable.startswith(retroflex):
            syllable = syllable[0] + syllable[2:]
    if syllable.endswith("ng") and len(syllable) > 2:
        syllable = syllable[:-1]
    return syllable


# Two-character terms that a homophone typo is corrected to. Any two-character word is one sound away from
# dozens of everyday ones (厂职 would become 厂子, 县里退休 县离退休, 找人 招人), so only our central terms,
# whose misspellings are common (认正, 人证, 丧藏, 扶恤), are corrected at this length.
CORE_PAIRS: frozenset[str] = frozenset(
    {"认证", "年审", "丧葬", "抚恤", "存折", "社保", "遗属", "冒领", "停发", "补发", "异地", "养老", "退休"}
)


class HomophoneMatcher:
    def __init__(
        self,
        targets: Iterable[str],
        readings: Mapping[str, str] | None = None,
        is_word: Callable[[str], bool] = lambda _text: False,
    ) -> None:
        """`readings`: character -> folded reading (`reading_table()` when not given); `is_word(text)`:
        whether a stretch is a word of its own (a dictionary word is meant, not misspelt: 晚点 is not a
        typo of 网点)."""
        self._is_word = is_word
        self.readings: Mapping[str, str] = reading_table() if readings is None else readings
        self._by_key: dict[tuple[str, ...], set[str]] = {}
        self._targets = {t for t in targets if 2 <= len(t) <= 4}
        for word in self._targets:
            if len(word) == 2 and word not in CORE_PAIRS:
                continue
            key = self._key(word)
            if key is not None:
                self._by_key.setdefault(key, set()).add(word)
        self._lengths = sorted({len(t) for t in self._targets}, reverse=True)

    def correct(self, text: str) -> str:
        """`text` (Simplified, one Han run) with stretches that sound like a domain word replaced by it.

        Longer words are tried first; a corrected stretch is not corrected again.
        """
        chars = list(text)
        fixed = [False] * len(chars)
        for length in self._lengths:
            for start in range(len(chars) - length + 1):
                if any(fixed[start : start + length]):
                    continue
                window = "".join(chars[start : start + length])
                # A term spelt right is kept whole, even one with a particle in it (出不了门).
                if window in self._targets:
                    fixed[start : start + length] = [True] * length
                    continue
                if _FUNCTION_CHARS.intersection(window):
                    continue
                word = None if self._is_word(window) else self._match(window)
                if word is not None:
                    chars[start : start + length] = list(word)
                    fixed[start : start + length] = [True] * length
        return "".join(chars)

    def _key(self, word: str) -> tuple[str, ...] | None:
        """The word's sound, or None when a character has no known reading."""
        key = tuple(self.readings.get(c, "") for c in word)
        return None if "" in key else key

    def _match(self, window: str) -> str | None:
        key = self._key(window)
        if key is not None:
            for word in sorted(self._by_key.get(key, ())):
                same = sum(a == b for a, b in zip(word, window, strict=True))
                # Half the characters in common at least: a different word that merely sounds alike (a
                # name, another term) is not a typo of ours.
                if same >= 1 and same * 2 >= len(window) - 1 and not self._edge_of_a_word(window, word):
                    return word
        return None

    def _edge_of_a_word(self, window: str, word: str) -> bool:
        """Whether the only difference is at one end of the window, next to a whole word: in "县里退休"
        or "会帮退休" the stretch 里退休 / 帮退休 is a word (退休) with its neighbour, not a typo of 离退休 /
        办退休."""
        for cut in range(1, len(window)):
            head, tail = window[:cut], window[cut:]
            if head != word[:cut] and tail == word[cut:] and len(tail) >= 2 and self._is_word(tail):
                return True
            if tail != word[cut:] and head == word[:cut] and len(head) >= 2 and self._is_word(head):
                return True
        return False
