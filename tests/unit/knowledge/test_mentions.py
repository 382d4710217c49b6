from __future__ import annotations

from bot.knowledge.mentions import clause_count, clauses, mentioned_regions


def test_simplified_traditional_and_english_names() -> None:
    assert mentioned_regions("江苏那边谁管认证") == {"jiangsu"}
    assert mentioned_regions("遼寧的退休人員檔案") == {"liaoning"}
    assert mentioned_regions("What does Jiangsu offer retirees?") == {"jiangsu"}


def test_no_province_named() -> None:
    assert mentioned_regions("认证什么时候办") == frozenset()


def test_english_names_match_whole_words_only() -> None:
    assert mentioned_regions("liaoningese") == frozenset()


def test_clause_count_counts_comma_and_space_separated_questions() -> None:

    assert clause_count("我爸去世了，能领什么钱，要带哪些材料") == 3
    assert clause_count("人没了 家里要办啥手续") == 2
    assert clause_count("认证要带什么") == 1
    # An enumeration is one clause; English words are not split on spaces.
    assert clause_count("要带火化证明、身份证吗") == 1
    assert clause_count("What do I bring for the certification?") == 1


def test_clauses_are_the_question_parts_of_some_length() -> None:
    assert clauses("年审在哪办 要带什么东西") == ["年审在哪办", "要带什么东西"]
    # A clause too short to ask anything is left out.
    assert clauses("好，认证在哪办") == ["认证在哪办"]
