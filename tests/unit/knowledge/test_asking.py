from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.asking import AskingError, load_question_words, question_words

_WORD = re.compile(r"[a-z]+")


@pytest.mark.parametrize(
    ("run", "frame", "asks"),
    [
        ("要带什么材料", "材料", True),
        ("认证要带哪些证件", "证件", True),
        ("证件要带吗", "要带", True),
        ("什么时候发", "什么时候", True),
        ("对养老金金额有疑问", "金额", False),
        ("我没时间去认证", "时间", False),
    ],
)
def test_a_chinese_frame_asks_with_a_question_word_beside_it(run: str, frame: str, asks: bool) -> None:
    start = run.index(frame)
    assert question_words().asks_zh(run, start, start + len(frame)) is asks


def test_within_a_frame_only_its_own_question_word_counts() -> None:
    words = question_words()
    assert words.asks_zh("养老金几号发", 3, 5, within=True)
    assert not words.asks_zh("生存证明怎么开", 2, 4, within=True)
    assert words.asks_zh("生存证明怎么开", 2, 4)
    run = "what proof of life do i need"
    matches = list(_WORD.finditer(run))
    assert not words.asks_en(run, matches, 1, 2, within=True)
    assert words.asks_en(run, matches, 1, 2)


@pytest.mark.parametrize(
    ("run", "frame", "asks"),
    [
        ("what do i bring?", "bring", True),
        ("where do i go and what papers do we need?", "papers", True),
        ("i just retired last month. what do i need to do?", "month", False),
        ("i retired last month, what now?", "month", False),
    ],
)
def test_an_english_frame_asks_after_a_question_word_in_its_sentence(
    run: str, frame: str, asks: bool
) -> None:
    words = list(_WORD.finditer(run))
    index = next(i for i, word in enumerate(words) if word.group(0) == frame)
    assert question_words().asks_en(run, words, index, index + 1) is asks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("zh: [什么]\n", "expected lists zh and en"),
        ("zh: []\nen: [what]\n", "zh must be a list of words"),
        ("zh: [什么]\nen: [What]\n", "lower-case English"),
        ("zh: [什么\n", "asking.yaml"),
    ],
)
def test_a_broken_list_fails_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "asking.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AskingError, match=message) as caught:
        load_question_words(path)
    assert str(path) in str(caught.value)
