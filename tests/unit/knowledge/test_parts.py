from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer
from bot.knowledge.parts import question_kinds

WHERE, DOCS, WHO, WHEN = (frozenset({f}) for f in ("@where", "@docs", "@who", "@when"))


def _texts(answerer: Answerer, ids: tuple[str, ...], language: str = "zh_Hans") -> list[str]:
    t = answerer.translator(language)
    texts = []
    for entry_id in ids:
        entry = answerer.entry(entry_id)
        assert entry is not None
        texts.append(answerer.fill(entry.answer[language], language, t)[0])
    return texts


def test_a_question_asking_where_and_what_to_bring_gets_both_answers(answerer: Answerer) -> None:
    answer = answerer.answer("年审在哪办 要带什么东西")
    assert answer.entry_id is not None
    assert {answer.entry_id, *answer.also} == {"cert-where", "cert-documents"}
    assert all(text in answer.text for text in _texts(answerer, (answer.entry_id, *answer.also)))


@pytest.mark.parametrize(
    ("question", "language", "parts"),
    [
        # No comma: two kinds of question about one subject are two parts all the same.
        ("年审去哪里办要带什么", "zh_Hans", {"cert-where", "cert-documents"}),
        ("认证几月份办，去哪里办", "zh_Hans", {"cert-when", "cert-where"}),
        # "几号发" is a term with its question inside; "一共多少" is the first part's, not the subject.
        ("养老金几号发，在哪个银行领", "zh_Hans", {"pay-banks", "pay-date"}),
        ("我爸走了，丧葬费和抚恤费一共多少，要带什么材料", "zh_Hans", {"death-what", "death-documents"}),
        ("丧葬费多少钱 要带什么材料", "zh_Hans", {"death-funeral-amount", "death-documents"}),
        ("年審在哪裏辦 要帶甚麼", "zh_Hant", {"cert-where", "cert-documents"}),
        ("喪葬費多少錢，要準備甚麼材料", "zh_Hant", {"death-funeral-amount", "death-documents"}),
        ("Where do I go for certification and what do I bring?", "en", {"cert-where", "cert-documents"}),
        ("When is the certification and where do I go?", "en", {"cert-when", "cert-where"}),
        (
            "How much is the funeral grant and what papers do we need?",
            "en",
            {"death-funeral-amount", "death-documents"},
        ),
    ],
)
def test_a_question_asking_two_kinds_of_thing_gets_both_answers_with_their_source(
    answerer: Answerer, question: str, language: str, parts: set[str]
) -> None:
    answer = answerer.answer(question)
    assert answer.language == language
    assert answer.entry_id is not None
    assert {answer.entry_id, *answer.also} == parts
    first, second = _texts(answerer, (answer.entry_id, *answer.also), language)
    assert answer.text == f"{first}\n\n{second}"
    entries = [answerer.entry(entry_id) for entry_id in (answer.entry_id, *answer.also)]
    assert answer.sources == tuple(
        dict.fromkeys(answerer.source_ref(entry, language) for entry in entries if entry is not None)
    )


@pytest.mark.parametrize(
    "question",
    [
        # A clause that tells rather than asks is no second question.
        "为什么每年都要搞这个资格认证 烦死了",
        "我妈过世了，我在外地，手续能让社区帮忙办吗",
        # One clause, one answer.
        "认证要带什么",
        # One phrase asking two ways ("哪个部门": where and who) is one question.
        "哪个部门负责认证",
    ],
)
def test_no_second_part_where_the_question_asks_one_thing(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.handoff
    assert answer.also == ()
    assert len(answer.sources) == 1


@pytest.mark.parametrize("question", ["丧葬费给多少，什么时候发放", "喪葬費給多少 什麼時候發放"])
def test_a_clause_that_lost_its_subject_is_not_answered_about_another(
    answerer: Answerer, question: str
) -> None:
    # "什么时候发放" read alone is the pension's pay day; here it asks when the funeral grant is paid,
    # which no entry says: the funeral grant's answer stands alone.
    answer = answerer.answer(question)
    assert answer.entry_id == "death-funeral-amount"
    assert answer.also == ()


@pytest.mark.parametrize(
    "question",
    ["老人走了卡里又多发了养老金 不退会咋样", "去年忘了做生存认证，养老金停了，怎么恢复？停的那几个月还补吗"],
)
def test_a_second_part_is_shown_as_a_paragraph_of_its_own(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.entry_id is not None
    assert answer.also
    first, second = _texts(answerer, (answer.entry_id, answer.also[0]))
    assert answer.text == f"{first}\n\n{second}"


@pytest.mark.parametrize(
    ("frames", "kinds"),
    [
        ([WHERE, DOCS], [WHERE, DOCS]),
        ([WHERE | WHO, WHO], [WHERE | WHO]),
        ([WHEN, WHERE, WHERE | DOCS, WHEN], [WHEN, WHERE | DOCS]),
        ([DOCS, DOCS], [DOCS]),
        ([], []),
    ],
)
def test_frames_sharing_a_facet_ask_one_kind_of_thing(
    frames: list[frozenset[str]], kinds: list[frozenset[str]]
) -> None:
    assert question_kinds(frames) == kinds
