from __future__ import annotations

import pytest

from bot.knowledge.language import detect_language
from bot.knowledge.normalise import normalise


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("养老金认证每年啥时候办？", "zh_Hans"),
        ("養老金認證每年甚麼時候辦？", "zh_Hant"),
        ("今天台北天氣如何", "zh_Hant"),
        ("How do I certify?", "en"),
        ("APP怎么认证", "zh_Hans"),
    ],
)
def test_language_of_a_question(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_normalisation_folds_script_width_and_case() -> None:
    assert normalise("養老金　ＡＢＣ") == normalise("养老金 abc") == "养老金 abc"
