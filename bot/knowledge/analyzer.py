"""From text to what retrieval compares: word tokens, concept tokens and, for coverage, "units".

A unit is one thing the question asks about, with the tokens that would satisfy it: the word "年审" and the
concept "@cert" it stands for; "养老院" and its sub-word "养老" (which earns only part of the credit). The
confidence of an answer is the share of the question's units, weighted by rarity, that the entry covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.knowledge import lexicon
from bot.knowledge.asking import question_words
from bot.knowledge.facets import FACETS
from bot.knowledge.homophones import HomophoneMatcher
from bot.knowledge.normalise import is_han, normalise
from bot.knowledge.segmenter import Dictionary, Segmenter

MIN_NUMBER_DIGITS = 3
_LATIN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True, slots=True)
class Unit:
    primary: str
    alternatives: frozenset[str]


@dataclass(slots=True)
class Analysis:
    tokens: list[str] = field(default_factory=list)  # words and concepts, repeated as often as they occur
    bigrams: list[str] = field(default_factory=list)  # Han character pairs: a net under typos and splits
    units: list[Unit] = field(default_factory=list)
    text: str = ""  # the normalised text (Simplified, lower case), typos corrected
    # The question frames that ask (asking.py), in order, each as the facets it carries: "在哪办，要带什么"
    # asks [{@where}, {@docs}]; one phrase carrying two facets ("哪个部门": where and who) is one frame.
    frames: list[frozenset[str]] = field(default_factory=list)

    def with_concept(self, concept: str) -> Analysis:
        """This analysis with one more concept the text implies (unchanged when it has it already)."""
        if concept in self.tokens:
            return self
        return Analysis(
            [*self.tokens, concept],
            self.bigrams,
            [*self.units, Unit(concept, frozenset({concept}))],
            self.text,
            self.frames,
        )


def stem(word: str) -> str:
    """A light English stemmer: enough to make "pensions", "certified" and "retiring" meet their roots."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    else:
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


class Analyzer:
    def __init__(
        self,
        extra_words: Iterable[str] = (),
        *,
        dictionary: Dictionary | None = None,
        readings: Mapping[str, str] | None = None,
        known: Mapping[str, Analysis] | None = None,
    ) -> None:
        """`dictionary`, `readings` and `known` (the analyses of our own texts) are what the index cache
        keeps of a previous build with the same words; without them they are built here."""
        zh_forms: dict[str, set[str]] = {}
        en_forms: dict[tuple[str, ...], set[str]] = {}
        for concept, (chinese, english) in lexicon.CONCEPTS.items():
            for form in chinese:
                zh_forms.setdefault(normalise(form), set()).add(concept)
            for phrase in english:
                key = tuple(stem(w) for w in _LATIN.findall(phrase.lower()))
                if key:
                    en_forms.setdefault(key, set()).add(concept)
        self._zh_forms: Mapping[str, frozenset[str]] = {k: frozenset(v) for k, v in zh_forms.items()}
        # Forms by their first character: finding every (overlapping) form is one pass over the text.
        self._zh_first: dict[str, list[str]] = {}
        for form in self._zh_forms:
            self._zh_first.setdefault(form[0], []).append(form)
        self._en_forms: Mapping[tuple[str, ...], frozenset[str]] = {
            k: frozenset(v) for k, v in en_forms.items()
        }
        self._en_lengths = sorted({len(k) for k in self._en_forms}, reverse=True)
        self._typos = {normalise(k): normalise(v) for k, v in lexicon.TYPOS.items()}
        extra = {normalise(w) for w in extra_words}
        domain_words = {w for w in (*self._zh_forms, *extra) if len(w) >= 2 and all(is_han(c) for c in w)}
        # Our own terms, as the analyser emits them: Chinese words, and stems of English keywords.
        self._domain = frozenset(domain_words) | {
            stem(w)
            for phrase in extra
            if phrase.isascii()
            for w in _LATIN.findall(phrase)
            if w not in lexicon.EN_STOPWORDS
        }
        self.segmenter = Segmenter(domain_words, dictionary)
        self.homophones = HomophoneMatcher(domain_words, readings, self.segmenter.is_word)
        self._question_words = question_words()
        self.known: dict[str, Analysis] = dict(known or {})

    def is_domain_word(self, token: str) -> bool:
        """Whether a word token is one of our terms (a concept's Chinese form or a keyword)."""
        return token in self._domain

    def analyse_own(self, text: str) -> Analysis:
        """The analysis of one of our own (spelt) texts, remembered: the index cache keeps these, so a warm
        start analyses none of the knowledge base again. The result is shared: do not change it."""
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = self.analyse(text, correct=False)
        return found

    def analyse(self, text: str, *, correct: bool = True) -> Analysis:
        """Tokens and units of `text`; `correct=False` skips typo correction (for our own, spelt texts)."""
        norm = normalise(text)
        if correct:
            for typo, right in self._typos.items():
                if typo in norm:
                    norm = norm.replace(typo, right)
        result = Analysis(text="")
        pieces: list[str] = []
        for run, han in _runs(norm):
            if han:
                if correct:
                    run = self.homophones.correct(run)
                self._analyse_chinese(run, result)
            else:
                self._analyse_latin(run, result)
            pieces.append(run)
        result.text = "".join(pieces)
        return result

    # --- Chinese ---------------------------------------------------------------------------------

    def _analyse_chinese(self, run: str, out: Analysis) -> None:
        out.bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            out.bigrams.append(run)
        spans: list[tuple[int, int, frozenset[str]]] = []
        for start, char in enumerate(run):
            for form in self._zh_first.get(char, ()):
                if run.startswith(form, start):
                    spans.append((start, start + len(form), self._zh_forms[form]))
        words = [
            (w, s, e)
            for w, s, e in self.segmenter.tokenize(run)
            if len(w) > 1 and w not in lexicon.ZH_STOPWORDS
        ]
        self._units(
            spans,
            words,
            out,
            lambda start, end, within: self._question_words.asks_zh(run, start, end, within=within),
        )

    # --- English ---------------------------------------------------------------------------------

    def _analyse_latin(self, run: str, out: Analysis) -> None:
        matches = list(_LATIN.finditer(run))
        raw = [m.group(0) for m in matches]
        stems = [stem(w) for w in raw]
        spans: list[tuple[int, int, frozenset[str]]] = []
        for length in self._en_lengths:
            for start in range(len(stems) - length + 1):
                concepts = self._en_forms.get(tuple(stems[start : start + length]))
                if concepts:
                    spans.append((start, start + length, concepts))
        words = [
            (s, i, i + 1)
            for i, (w, s) in enumerate(zip(raw, stems, strict=True))
            if w not in lexicon.EN_STOPWORDS
            and s not in lexicon.EN_STOPWORDS
            and len(s) > 1
            # One- and two-digit numbers are ages and counts; longer ones name things ("4050" staff,
            # "500" retirees per worker) or years, and are words like any other.
            and (not s.isdigit() or len(s) >= MIN_NUMBER_DIGITS)
        ]
        self._units(
            spans,
            words,
            out,
            lambda start, end, within: self._question_words.asks_en(run, matches, start, end, within=within),
        )

    @staticmethod
    def _units(
        spans: list[tuple[int, int, frozenset[str]]],
        words: list[tuple[str, int, int]],
        out: Analysis,
        asks: Callable[[int, int, bool], bool],
    ) -> None:
        absorbed: set[int] = set()
        by_concept: dict[str, set[str]] = {}
        kept = _without_inner_frames(spans)
        out.frames.extend(_frames(spans, kept, asks))
        for start, end, concepts in kept:
            # Only words within the concept's span stand for it: "延迟退休" says more than "退休".
            inside = {i for i, (_, s, e) in enumerate(words) if start <= s and e <= end}
            absorbed |= inside
            for concept in concepts:
                by_concept.setdefault(concept, set()).update(words[i][0] for i in inside)
                out.tokens.append(concept)
        for concept, alternatives in by_concept.items():
            out.units.append(Unit(concept, frozenset({concept, *alternatives})))
        # Words outside any concept: overlapping ones (a word and its sub-words) make one unit.
        groups: list[list[tuple[str, int, int]]] = []
        for word in sorted(
            (w for i, w in enumerate(words) if i not in absorbed), key=lambda w: (w[1], -w[2])
        ):
            if groups and word[1] < max(e for _, _, e in groups[-1]):
                groups[-1].append(word)
            else:
                groups.append([word])
        for group in groups:
            longest = max(group, key=lambda w: w[2] - w[1])[0]
            out.units.append(Unit(longest, frozenset(w for w, _, _ in group)))
        out.tokens.extend(w for w, _, _ in words)


def _without_inner_frames(
    spans: list[tuple[int, int, frozenset[str]]],
) -> list[tuple[int, int, frozenset[str]]]:
    """A question frame inside a longer subject term is part of the term: "proof" in "proof of life" or
    "证明" in "生存证明" does not ask for documents."""
    kept = []
    for start, end, concepts in spans:
        # Nor does a shorter frame inside a longer one: "what do i need" in "what do i need to do" asks
        # for steps, not papers.
        if concepts <= FACETS and any(
            s <= start and end <= e and e - s > end - start and not others <= concepts
            for s, e, others in spans
        ):
            continue
        kept.append((start, end, concepts))
    return kept


def _frames(
    spans: list[tuple[int, int, frozenset[str]]],
    kept: list[tuple[int, int, frozenset[str]]],
    asks: Callable[[int, int, bool], bool],
) -> list[frozenset[str]]:
    """The facets of the question frames among `spans` that ask (`asks(start, end, within)`), in text
    order; overlapping frames ("在哪办" holds "在哪" and "哪办") are one. A frame inside a subject term (not
    `kept`) asks only with its question word inside it: "几号" in "几号发" does, "证明" in "生存证明" does
    not, whatever stands beside it. One inside a longer frame is that frame's ("what do i need" in "what
    do i need to do")."""
    frames: list[tuple[int, int, frozenset[str]]] = []  # (start, end, facets)
    for start, end, concepts in sorted(spans, key=lambda span: (span[0], -span[1])):
        facets = concepts & FACETS
        if not facets:
            continue
        if (start, end, concepts) not in kept and (
            not asks(start, end, True)
            or any(s <= start and end <= e and others & FACETS for s, e, others in kept)
        ):
            continue
        if frames and start < frames[-1][1]:
            first, last_end, last = frames[-1]
            frames[-1] = (first, max(last_end, end), last | facets)
        else:
            frames.append((start, end, facets))
    return [facets for start, end, facets in frames if asks(start, end, False)]


def _runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into runs of Han characters and runs of everything else. Digits next to Han characters
    belong to the Chinese run: "15位", "4050人员" and "500名" are Chinese words with numbers in them."""
    runs: list[tuple[str, bool]] = []
    for char in text:
        han = is_han(char)
        if runs and runs[-1][1] == han:
            runs[-1] = (runs[-1][0] + char, han)
        else:
            runs.append((char, han))
    merged: list[tuple[str, bool]] = []
    for i, (run, han) in enumerate(runs):
        if not han and run.isdigit() and i + 1 < len(runs):
            # The next run is Han (runs alternate): the number opens it.
            runs[i + 1] = (run + runs[i + 1][0], True)
            continue
        if not han and run.isdigit() and merged and merged[-1][1]:
            merged[-1] = (merged[-1][0] + run, True)
            continue
        merged.append((run, han))
    return merged
