from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer


def test_a_frame_inside_a_subject_term_is_not_asked(answerer: Answerer) -> None:
    # "proof" alone asks for documents; in "proof of life" it is part of the certification's name.
    assert "@docs" not in answerer.analyzer.analyse("what happens if i skip the proof of life").tokens
    assert "@docs" in answerer.analyzer.analyse("what proof do i bring").tokens


def test_numbers_inside_chinese_words_are_read_with_them(answerer: Answerer) -> None:
    tokens = answerer.analyzer.analyse("身份证换成18位了").tokens
    assert "@personal_data" in tokens
    assert "4050" in answerer.analyzer.analyse("4050人员能做社区服务吗").tokens


def test_short_numbers_are_not_words(answerer: Answerer) -> None:
    assert "88" not in answerer.analyzer.analyse("my mother is 88").tokens


def test_a_frame_inside_a_longer_frame_is_the_longer_one(answerer: Answerer) -> None:
    tokens = answerer.analyzer.analyse("What do I need to do now?").tokens
    assert "@steps" in tokens
    assert "@docs" not in tokens


@pytest.mark.parametrize(
    ("question", "frames"),
    [
        ("年审去哪里办要带什么", [{"@where"}, {"@docs"}]),
        ("认证在哪办", [{"@where"}]),
        ("哪个部门负责认证", [{"@where", "@who"}]),
        ("How much is the funeral grant and when is it paid?", [{"@amount"}, {"@when"}]),
        ("Where do I go for certification and what do I bring?", [{"@where"}, {"@docs"}]),
        # A frame inside a subject term does not ask, unless its question word is inside it too ...
        ("生存证明怎么开", []),
        ("养老金几号发，在哪个银行领", [{"@when"}, {"@where"}]),
        # ... nor does one that names a thing without a question word near it.
        ("对养老金金额有疑问要去哪里查询", [{"@where"}]),
        ("I just retired last month. What do I need to do now?", [{"@steps"}]),
    ],
)
def test_analysis_lists_the_question_frames_that_ask_in_order(
    answerer: Answerer, question: str, frames: list[set[str]]
) -> None:
    assert [set(frame) for frame in answerer.analyzer.analyse(question).frames] == frames
