from __future__ import annotations

from bot.knowledge.mentions import mentioned_regions


def test_simplified_traditional_and_english_names() -> None:
    assert mentioned_regions("江苏那边谁管认证") == {"jiangsu"}
    assert mentioned_regions("遼寧的退休人員檔案") == {"liaoning"}
    assert mentioned_regions("What does Jiangsu offer retirees?") == {"jiangsu"}


def test_no_province_named() -> None:
    assert mentioned_regions("认证什么时候办") == frozenset()


def test_english_names_match_whole_words_only() -> None:
    assert mentioned_regions("liaoningese") == frozenset()
