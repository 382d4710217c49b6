from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer
from bot.knowledge.model import MAX_ANSWER_CHARS


def _texts(answerer: Answerer, ids: tuple[str, ...]) -> list[str]:
    t = answerer.translator("zh_Hans")
    texts = []
    for entry_id in ids:
        entry = answerer.entry(entry_id)
        assert entry is not None
        texts.append(answerer.fill(entry.answer["zh_Hans"], "zh_Hans", t)[0])
    return texts


def test_a_question_asking_where_and_what_to_bring_gets_both_answers(answerer: Answerer) -> None:
    answer = answerer.answer("年审在哪办 要带什么东西")
    assert answer.entry_id is not None
    assert {answer.entry_id, *answer.also} == {"cert-where", "cert-documents"}
    assert all(text in answer.text for text in _texts(answerer, (answer.entry_id, *answer.also)))
    assert len(answer.text) <= MAX_ANSWER_CHARS


@pytest.mark.parametrize(
    "question",
    [
        # A clause that tells rather than asks is no second question.
        "为什么每年都要搞这个资格认证 烦死了",
        "我妈过世了，我在外地，手续能让社区帮忙办吗",
        # One clause, one answer.
        "认证要带什么",
    ],
)
def test_no_second_part_where_the_question_asks_one_thing(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.handoff
    assert answer.also == ()
    assert len(answer.sources) == 1


@pytest.mark.parametrize(
    "question",
    ["老人走了卡里又多发了养老金 不退会咋样", "去年忘了做生存认证，养老金停了，怎么恢复？停的那几个月还补吗"],
)
def test_both_parts_are_shown_only_within_the_budget(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.entry_id is not None
    assert answer.also
    first, second = _texts(answerer, (answer.entry_id, answer.also[0]))
    fits = len(first) + len(second) + 2 <= MAX_ANSWER_CHARS
    assert (second in answer.text) == fits
    assert len(answer.text) <= MAX_ANSWER_CHARS
