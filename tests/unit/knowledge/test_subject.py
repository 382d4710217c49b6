from __future__ import annotations

import pytest

from bot.knowledge.analyzer import Unit
from bot.knowledge.answerer import Answerer
from bot.knowledge.subject import covers_a_subject, is_subject


def _unit(primary: str) -> Unit:
    return Unit(primary, frozenset({primary}))


def test_frames_and_people_are_not_subjects() -> None:
    def never(_word: str) -> bool:
        return False

    assert not is_subject(_unit("@docs"), never)
    assert not is_subject(_unit("@family"), never)
    assert is_subject(_unit("@funeral"), never)


def test_a_plain_word_is_a_subject_only_when_it_is_one_of_our_terms() -> None:
    assert is_subject(_unit("退管费"), lambda word: word == "退管费")
    assert not is_subject(_unit("结婚"), lambda word: word == "退管费")


def test_an_entry_covering_only_the_frame_covers_no_subject() -> None:
    units = [_unit("@family"), _unit("@docs"), _unit("结婚")]
    covered = {"@family", "@docs"}
    assert not covers_a_subject(units, lambda u: u.primary in covered, lambda _w: False)
    assert covers_a_subject(
        [*units, _unit("@funeral")], lambda u: u.primary in covered | {"@funeral"}, lambda _w: False
    )


@pytest.mark.parametrize(
    "question", ["女儿结婚要准备什么", "儿子买房要什么手续", "How do I apply for a passport?"]
)
def test_questions_sharing_only_a_frame_with_an_entry_are_handed_off(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert answer.handoff
