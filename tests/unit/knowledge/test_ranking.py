from __future__ import annotations

from bot.knowledge.facets import FacetProfile
from bot.knowledge.paraphrase import ParaphraseIndex
from bot.knowledge.ranking import Candidate, Ranker
from bot.knowledge.retriever import Hit


def _ranker(regions: list[str], phrasings: list[list[list[str]]]) -> Ranker:
    return Ranker(
        [
            Candidate(region, region in ("county", "general"), FacetProfile.of(texts))
            for region, texts in zip(regions, phrasings, strict=True)
        ],
        ParaphraseIndex(phrasings),
    )


def test_the_facet_asked_breaks_a_tie_on_the_subject() -> None:
    ranker = _ranker(
        ["county", "county"],
        [[["@cert", "@when"], ["@cert", "@when"]], [["@cert", "@docs"], ["@cert", "@docs"]]],
    )
    hits = [Hit(0, 10.0, 1.0), Hit(1, 10.0, 1.0)]
    assert ranker.rank(hits, ["@cert", "@docs"], frozenset())[0].index == 1
    assert ranker.rank(hits, ["@cert", "@when"], frozenset())[0].index == 0


def test_a_named_province_wins_over_the_local_entry() -> None:
    ranker = _ranker(["county", "jiangsu"], [[["@cert", "@who"]], [["@cert", "@who"]]])
    hits = [Hit(0, 10.0, 1.0), Hit(1, 9.0, 1.0)]
    assert ranker.rank(hits, ["@cert", "@who"], frozenset())[0].index == 0
    assert ranker.rank(hits, ["@cert", "@who"], frozenset({"jiangsu"}))[0].index == 1


def test_coverage_weighs_in() -> None:
    ranker = _ranker(["general", "general"], [[["@bank"]], [["@bank"]]])
    ranked = ranker.rank([Hit(0, 10.0, 0.2), Hit(1, 10.0, 0.9)], ["@bank"], frozenset())
    assert [h.index for h in ranked] == [1, 0]


def test_no_hits_no_ranking() -> None:
    assert _ranker([], []).rank([], ["@bank"], frozenset()) == []
