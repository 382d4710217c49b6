"""Whether a question frame asks or tells: "要带什么材料" asks for papers, "养老金金额有疑问" only names an
amount. A frame asks when a question word (asking.yaml) stands in it or near it: in Chinese within a
couple of characters either side ("什么材料", "带哪些", "证件要带吗"); in English anywhere before it in its
sentence, since English puts the question word first ("what do I bring", "what papers do we need").
`within=True` asks for the question word inside the frame itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ASKING_FILE = Path(__file__).resolve().parent / "asking.yaml"
# Chinese characters either side of a frame where its question word may stand: "什么|材料", "证件|要带吗".
ZH_REACH = 2
_SENTENCE_BREAK = re.compile(r"[.!?;]")


class AskingError(ValueError):
    """A broken question-word list; the message names the file."""


@dataclass(frozen=True, slots=True)
class QuestionWords:
    zh: tuple[str, ...]
    en: frozenset[str]

    def asks_zh(self, run: str, start: int, end: int, *, within: bool = False) -> bool:
        """Whether the frame at run[start:end] of a run of Chinese asks."""
        reach = 0 if within else ZH_REACH
        near = run[max(0, start - reach) : end + reach]
        return any(word in near for word in self.zh)

    def asks_en(
        self, run: str, words: Sequence[re.Match[str]], start: int, end: int, *, within: bool = False
    ) -> bool:
        """Whether the frame made of words[start:end] of an English run asks."""
        if within:
            return any(word.group(0) in self.en for word in words[start:end])
        begins = words[start].start()
        sentence = max((m.end() for m in _SENTENCE_BREAK.finditer(run, 0, begins)), default=0)
        return any(word.group(0) in self.en for word in words[:end] if word.start() >= sentence)


def load_question_words(path: Path = ASKING_FILE) -> QuestionWords:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise AskingError(f"{path}: {exc}") from None
    if not isinstance(raw, dict) or set(raw) != {"zh", "en"}:
        raise AskingError(f"{path}: expected lists zh and en")
    for key in ("zh", "en"):
        words = raw[key]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise AskingError(f"{path}: {key} must be a list of words")
    if any(w != w.lower() or not w.isascii() for w in raw["en"]):
        raise AskingError(f"{path}: en words are lower-case English")
    return QuestionWords(tuple(raw["zh"]), frozenset(raw["en"]))


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    """The shipped list, read once per process."""
    return load_question_words()
