from __future__ import annotations

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
