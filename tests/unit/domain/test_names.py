from __future__ import annotations

import pytest

from bot.domain.names import names_match, normalise_name, plausible_name


@pytest.mark.parametrize(
    ("typed", "roster"),
    [
        ("張偉", "张伟"),
        (" 张 伟 ", "张伟"),
        ("张　伟", "张伟"),
        ("Ｗａｎｇ Fang", "wang fang"),
        ("阿卜杜·热合曼", "阿卜杜热合曼"),
    ],
)
def test_names_that_match(typed: str, roster: str) -> None:
    assert names_match(typed, roster)


@pytest.mark.parametrize(("typed", "roster"), [("张伟", "张炜"), ("", ""), ("李四", "张伟")])
def test_names_that_do_not_match(typed: str, roster: str) -> None:
    assert not names_match(typed, roster)


def test_normalise_name() -> None:
    assert normalise_name(" 劉 德華 ") == "刘德华"


@pytest.mark.parametrize(
    ("text", "ok"), [("王小明", True), ("O'Brien", True), ("王1", False), ("", False), ("字" * 41, False)]
)
def test_plausible_name(text: str, ok: bool) -> None:
    assert plausible_name(text) is ok
