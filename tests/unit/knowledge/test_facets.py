from __future__ import annotations

from bot.knowledge.facets import NO_FACET, FacetProfile, facets_of


def test_facets_of_a_question_without_a_frame_is_no_facet() -> None:
    assert facets_of(["@cert", "认证"]) == frozenset({NO_FACET})


def test_facets_of_picks_only_the_frames() -> None:
    assert facets_of(["@cert", "@when", "@docs"]) == frozenset({"@when", "@docs"})


def test_agreement_is_the_share_of_phrasings_asking_the_same_thing() -> None:
    profile = FacetProfile.of([["@cert", "@when"], ["@cert", "@when"], ["@cert"], ["@cert", "@where"]])
    assert profile.agreement(frozenset({"@when"})) == 0.5
    assert profile.agreement(frozenset({"@where"})) == 0.25
    assert profile.agreement(frozenset({"@amount"})) == 0.0


def test_agreement_of_a_question_without_a_facet_is_neutral() -> None:
    profile = FacetProfile.of([["@cert"], ["@cert", "@when"]])
    assert profile.agreement(frozenset({NO_FACET})) == 0.0
