"""Question in, answer out: language detection, retrieval, the confidence threshold, region values.

The Answerer is built once (`load_answerer`: a few seconds the first time, a fraction of a second when the
index cache has it) and then answers in a few milliseconds per question; it holds no per-user state. A
question asking two things gets the second part's answer as a second short paragraph, with its source
(`Answer.also`, see parts.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import I18n, Translator
from bot.knowledge import sentences
from bot.knowledge.analyzer import Analysis, Analyzer
from bot.knowledge.entry_index import PLACEHOLDER, EntryIndex
from bot.knowledge.language import EN, ZH_HANS, ZH_HANT, detect_language
from bot.knowledge.mentions import clause_count, mentioned_regions
from bot.knowledge.model import Entry, KnowledgeBase, Passage
from bot.knowledge.normalise import is_han, to_simplified, to_traditional
from bot.knowledge.parts import PartFinder
from bot.knowledge.ranking import Candidate, Ranker
from bot.knowledge.retriever import Hit, IndexedDocument, Retriever
from bot.knowledge.scope import ScopeGuard
from bot.knowledge.subject import covers_a_subject, is_subject
from bot.regions import RegionProfile

# Below this share of the question covered by the best entry, the bot says it does not know.
ENTRY_THRESHOLD = 0.35
# Ingested passages are uncurated: they must cover more of the question to be quoted.
PASSAGE_THRESHOLD = 0.6
# How many of the retriever's best the ranker chooses among.
CANDIDATES = 10
# The concept of living away from home, implied by a place lived in ("我在广州带外孙").
ELSEWHERE = "@elsewhere"
# A second part of the question is answered by one of the whole question's best few.
SECOND_CANDIDATES = 6
PASSAGE_CHARS = 400


def passage_in(passage: Passage, language: str) -> Passage:
    """The passage in the question's script: a notice ingested in Traditional is quoted in Simplified to a
    Simplified question (and the other way round), as the curated answers are. English: as it is."""
    convert = {ZH_HANS: to_simplified, ZH_HANT: to_traditional}.get(language)
    if convert is None:
        return passage
    return Passage(passage.id, convert(passage.title), convert(passage.section), convert(passage.text))


@dataclass(frozen=True, slots=True)
class SourceRef:
    title: str
    section: str
    issuer: str = ""
    date: str = ""  # ISO date, or "" for an ingested notice


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    language: str
    text: str  # plain text (not HTML): the answer with its region label, or the "I don't know"
    confidence: float
    handoff: bool
    sources: tuple[SourceRef, ...] = ()
    entry_id: str | None = None
    passage_id: int | None = None
    label: str | None = None
    missing_values: tuple[str, ...] = ()
    has_more: bool = False
    reason: str | None = None  # why it was handed off: low-confidence, chit-chat, other-region
    alternatives: tuple[str, ...] = field(default=())  # the runner-up entry ids, for evaluation
    also: tuple[str, ...] = ()  # another entry answering a second part of the question, shown beneath


def domain_words(kb: KnowledgeBase) -> set[str]:
    """The words beyond the lexicon's that the analyser must keep whole: the entries' keywords."""
    return {w for e in kb.entries for words in e.keywords.values() for w in words}


def analyzer_for(kb: KnowledgeBase) -> Analyzer:
    return Analyzer(extra_words=domain_words(kb))


class Answerer:
    def __init__(
        self,
        kb: KnowledgeBase,
        profile: RegionProfile,
        *,
        passages: Sequence[Passage] = (),
        i18n: I18n | None = None,
        analyzer: Analyzer | None = None,
        index_state: Sequence[Any] | None = None,
    ) -> None:
        """`analyzer`: one built for this knowledge base (`analyzer_for(kb)`, or from the index cache);
        `index_state`: the entry index's state as a previous build over the same files left it."""
        self.kb = kb
        self.profile = profile
        self._i18n = i18n
        self.analyzer = analyzer or analyzer_for(kb)
        self._scope = ScopeGuard(profile.other_places_zh, profile.other_places_en)
        self._entries = kb.entries
        self._by_id = {e.id: e for e in kb.entries}
        self._position = {e.id: i for i, e in enumerate(kb.entries)}
        self._local = [e.region in (profile.id, "general") for e in kb.entries]
        self.index = (
            EntryIndex.build(kb, self.analyzer, profile, self._background)
            if index_state is None
            else EntryIndex.from_state(index_state, self._background)
        )
        self._entry_index = self.index.retriever
        self._ranker = Ranker(
            [
                Candidate(e.region, local, facets)
                for e, local, facets in zip(kb.entries, self._local, self.index.facets, strict=True)
            ],
            self.index.paraphrases,
        )
        self._parts = PartFinder(
            analyse=self.analyzer.analyse,
            best=self._best_part,
            answers=self._answers,
            coverage=self._entry_index.coverage,
            covers=self._entry_index.covers,
            is_subject=lambda unit: is_subject(unit, self.analyzer.is_domain_word),
            agreement=self._ranker.agreement,
        )
        self.passages: tuple[Passage, ...] = ()
        self._passage_index = Retriever([])
        self.set_passages(passages)

    # --- building ------------------------------------------------------------------------------------

    def set_passages(self, passages: Sequence[Passage]) -> None:
        """Replace the ingested passages (e.g. after `kb ingest`, or once loaded from the database)."""
        self.passages = tuple(passages)
        documents = []
        for passage in self.passages:
            analysis = self.analyzer.analyse(
                f"{passage.title} {passage.section} {passage.text}", correct=False
            )
            documents.append(IndexedDocument(analysis.tokens, (), analysis.bigrams))
        self._passage_index = Retriever(documents, self._background)

    def _background(self, token: str) -> float:
        if token.startswith("@"):
            return 1.0
        if is_han(token[0]):
            return self.analyzer.segmenter.everyday(token)
        # No English frequency list at hand: short words are the everyday ones.
        return 0.6 if len(token) <= 4 else 1.0

    def translator(self, language: str) -> Translator:
        if self._i18n is None:
            self._i18n = I18n()
        return self._i18n.translator(language)

    # --- answering -----------------------------------------------------------------------------------

    def answer(self, question: str, language: str | None = None) -> Answer:
        """Answer `question` in its own language (or `language` when given)."""
        language = language or detect_language(question)
        t = self.translator(language)
        analysis = self.analyzer.analyse(question)
        if self._scope.lives_elsewhere(question):
            analysis = analysis.with_concept(ELSEWHERE)
        reason = self._scope.out_of_scope(question)
        hits = self._rank(question, analysis, clause_count(question))
        # The best-ranked entry that answers the question at all: one that misses its subject ("退管费要交
        # 多少": the amounts of the death benefits) gives way to one that covers it, however the frame
        # ranks them.
        top = next((h for h in hits if self._answers(h, analysis)), hits[0] if hits else None)
        confidence = round(top.coverage, 3) if top else 0.0
        alternatives = tuple(self._entries[h.index].id for h in hits if top is None or h.index != top.index)[
            :2
        ]
        if reason is None and top is not None and self._answers(top, analysis):
            others = [h for h in hits[:SECOND_CANDIDATES] if h.index != top.index]
            second = self._parts.second(question, analysis, top.index, others)
            return self._from_entries(
                question,
                language,
                t,
                (self._entries[top.index], *((self._entries[second],) if second is not None else ())),
                confidence,
                alternatives,
            )
        if reason is None:
            passage_hits = self._passage_index.search(analysis, limit=1)
            if passage_hits and passage_hits[0].coverage >= PASSAGE_THRESHOLD:
                hit = passage_hits[0]
                return self._from_passage(question, language, t, self.passages[hit.index], hit.coverage)
        return Answer(
            question=question,
            language=language,
            text=t.gettext(sentences.DONT_KNOW),
            confidence=0.0 if reason else confidence,
            handoff=True,
            entry_id=None,
            reason=reason or "low-confidence",
            alternatives=((self._entries[top.index].id,) if top else ()) + alternatives,
        )

    def _rank(self, question: str, analysis: Analysis, parts: int = 1) -> list[Hit]:
        return self._ranker.rank(
            self._entry_index.search(analysis, limit=CANDIDATES),
            analysis.tokens,
            mentioned_regions(question),
            parts,
        )

    def _answers(self, hit: Hit, analysis: Analysis) -> bool:
        """Whether the entry of `hit` is an answer: it covers enough of the question, subject included."""
        return hit.coverage >= ENTRY_THRESHOLD and covers_a_subject(
            analysis.units,
            lambda unit: self._entry_index.covers(hit.index, unit),
            self.analyzer.is_domain_word,
        )

    def _best_part(self, clause: str, analysis: Analysis) -> Hit | None:
        hits = self._rank(clause, analysis)
        return hits[0] if hits and self._answers(hits[0], analysis) else None

    def _from_entries(
        self,
        question: str,
        language: str,
        t: Translator,
        entries: tuple[Entry, ...],
        confidence: float,
        alternatives: tuple[str, ...],
    ) -> Answer:
        """The first entry's answer, and a second entry's (another part of the question) beneath it as a
        paragraph of its own: each is one short answer, so the two stay well within a message."""
        texts: list[str] = []
        missing: list[tuple[str, ...]] = []
        for entry in entries:
            body, unknown = self.fill(entry.answer[language], language, t)
            label = self.region_label(entry, t)
            texts.append(f"{label} {body}" if label else body)
            missing.append(unknown)
        main = entries[0]
        return Answer(
            question=question,
            language=language,
            text="\n\n".join(texts),
            confidence=confidence,
            handoff=False,
            sources=tuple(dict.fromkeys(self.source_ref(e, language) for e in entries)),
            entry_id=main.id,
            label=self.region_label(main, t),
            missing_values=tuple(dict.fromkeys(name for names in missing for name in names)),
            has_more=main.more is not None,
            alternatives=alternatives,
            also=tuple(e.id for e in entries[1:]),
        )

    def _from_passage(
        self, question: str, language: str, t: Translator, passage: Passage, coverage: float
    ) -> Answer:
        passage = passage_in(passage, language)
        text = passage.text if len(passage.text) <= PASSAGE_CHARS else passage.text[: PASSAGE_CHARS - 1] + "…"
        label = t.gettext(sentences.PASSAGE_LABEL)
        return Answer(
            question=question,
            language=language,
            text=f"{label} {text}",
            confidence=round(coverage, 3),
            handoff=False,
            sources=(SourceRef(passage.title, passage.section),),
            passage_id=passage.id,
            label=label,
            has_more=len(passage.text) > PASSAGE_CHARS,
        )

    # --- pieces the bot also uses --------------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def more(self, entry: Entry, language: str) -> tuple[str, tuple[str, ...]]:
        """The entry's details with region values filled (the short answer when it has none)."""
        t = self.translator(language)
        return self.fill((entry.more or entry.answer)[language], language, t)

    def fill(self, text: str, language: str, t: Translator) -> tuple[str, tuple[str, ...]]:
        """`text` with {placeholders} replaced by the region's values; unknown ones say to ask the office.

        Returns the text and the names of the values that were unknown.
        """
        missing: list[str] = []
        office = self.profile.value("social_insurance_office", language) or t.gettext(
            sentences.DEFAULT_OFFICE
        )

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            found = self.profile.value(name, language)
            if found is not None:
                return found
            missing.append(name)
            return t.gettext(sentences.ASK_OFFICE) % {"office": office}

        return PLACEHOLDER.sub(value, text), tuple(dict.fromkeys(missing))

    def region_label(self, entry: Entry, t: Translator) -> str | None:
        if self._local[self._position[entry.id]]:
            return None
        source = self.kb.sources[entry.source]
        region = sentences.REGION_NAMES.get(entry.region)
        name = t.gettext(region) if region else entry.region
        return t.gettext(sentences.ELSEWHERE_LABEL) % {"region": name, "year": source.date.year}

    def source_ref(self, entry: Entry, language: str) -> SourceRef:
        source = self.kb.sources[entry.source]
        section = entry.section
        if language == ZH_HANS:
            section = to_simplified(section)
        elif language == ZH_HANT:
            section = to_traditional(section)
        return SourceRef(
            title=source.title[language],
            section=section,
            issuer=source.issuer[language],
            date=source.date.isoformat(),
        )


__all__ = ["EN", "ZH_HANS", "ZH_HANT", "Answer", "Answerer", "SourceRef"]
