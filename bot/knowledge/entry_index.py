"""The searchable index of the knowledge base's entries: what the retriever, the nearest-phrasing index and
the facet profiles are built from, and their plain-data state for the index cache.

It depends on the entries, the analyser and the region profile (the region's values are indexed with the
answers they fill), never on a user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge import lexicon
from bot.knowledge.analyzer import Analysis, Analyzer
from bot.knowledge.facets import FacetProfile
from bot.knowledge.mentions import REGION_NAMES
from bot.knowledge.model import LANGUAGES, Entry, KnowledgeBase
from bot.knowledge.paraphrase import ParaphraseIndex
from bot.knowledge.retriever import IndexedDocument, Retriever
from bot.regions import RegionProfile

PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True, slots=True)
class EntryIndex:
    retriever: Retriever
    paraphrases: ParaphraseIndex
    facets: tuple[FacetProfile, ...]

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        analyzer: Analyzer,
        profile: RegionProfile,
        background: Callable[[str], float],
    ) -> EntryIndex:
        asked = [_phrasings(e, analyzer) for e in kb.entries]
        phrasings = [[a.tokens for a in analyses] for analyses in asked]
        documents = [
            _document(e, a, analyzer, profile, _reference(kb, e, analyzer))
            for e, a in zip(kb.entries, asked, strict=True)
        ]
        return cls(
            Retriever(documents, background),
            ParaphraseIndex(phrasings),
            tuple(FacetProfile.of(texts) for texts in phrasings),
        )

    def state(self) -> tuple[Any, ...]:
        """Plain data (strings, numbers, lists, dicts, sets) for the index cache."""
        return (self.retriever.state(), self.paraphrases.state(), [dict(f.shares) for f in self.facets])

    @classmethod
    def from_state(cls, state: Sequence[Any], background: Callable[[str], float]) -> EntryIndex:
        retriever, paraphrases, facets = state
        return cls(
            Retriever.from_state(retriever, background),
            ParaphraseIndex.from_state(paraphrases),
            tuple(FacetProfile(dict(shares)) for shares in facets),
        )


def _phrasings(entry: Entry, analyzer: Analyzer) -> list[Analysis]:
    """Each way people ask the entry, in every language, analysed."""
    return [analyzer.analyse_own(text) for texts in entry.questions.values() for text in texts]


def _reference(kb: KnowledgeBase, entry: Entry, analyzer: Analyzer) -> set[str]:
    """The words that name the entry's document rather than what it says: "Jiangsu's 2003 scheme",
    "辽宁的文件". Every entry of that document answers to them, so none loses coverage for not saying them
    (they still decide nothing: a province named is weighed by the ranker)."""
    source = kb.sources[entry.source]
    names = " ".join(REGION_NAMES.get(entry.region, ()))
    words = f"{names} {source.date.year} {' '.join(lexicon.DOCUMENT_WORDS)}"
    return set(analyzer.analyse_own(words).tokens)


def _document(
    entry: Entry,
    phrasings: Sequence[Analysis],
    analyzer: Analyzer,
    profile: RegionProfile,
    reference: set[str],
) -> IndexedDocument:
    analyse = analyzer.analyse_own
    question_tokens: list[str] = []
    answer_tokens: list[str] = []
    bigrams: list[str] = []
    keywords = [analyse(text) for texts in entry.keywords.values() for text in texts]
    for analysis in (*phrasings, *keywords):
        question_tokens += analysis.tokens
        bigrams += analysis.bigrams
    for language in LANGUAGES:
        for text in (entry.answer[language], (entry.more or {}).get(language, "")):
            # What the user reads: the region's values in place of the placeholders ("乡镇劳动保障事务所"
            # answers "认证去镇上哪里"), analysed apart.
            values = [profile.value(n, language) for n in PLACEHOLDER.findall(text)]
            for piece in (PLACEHOLDER.sub(" ", text), *(v for v in values if v)):
                analysis = analyse(piece)
                answer_tokens += analysis.tokens
                bigrams += analysis.bigrams
    said = {*question_tokens, *answer_tokens}
    implied = ({c for t in said for c in lexicon.IMPLIES.get(t, ())} | reference) - said
    return IndexedDocument(question_tokens, answer_tokens, bigrams, sorted(implied))
