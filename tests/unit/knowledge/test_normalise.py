from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer
from bot.knowledge.normalise import normalise, to_simplified

# (the form Hong Kong or Taiwan writers use, the standard Traditional form)
VARIANT_PAIRS = [
    ("甚麼", "什麼"),
    ("着", "著"),
    ("裏", "裡"),
    ("綫", "線"),
    ("衞", "衛"),
    ("峯", "峰"),
    ("羣", "群"),
    ("啓", "啟"),
    ("眾", "衆"),
    ("爲", "為"),
    ("麪", "麵"),
    ("衹", "只"),
    ("祇", "只"),
    ("身分證", "身份證"),
]


@pytest.mark.parametrize(("variant", "usual"), VARIANT_PAIRS)
def test_a_regional_variant_reads_as_its_usual_form(variant: str, usual: str) -> None:
    assert normalise(variant) == normalise(usual)
    # ... and as the Simplified form of the usual one.
    assert normalise(variant) == normalise(to_simplified(usual))


@pytest.mark.parametrize(
    ("variant", "usual"),
    [("為甚麼要認證", "为什么要认证"), ("住著", "住着"), ("衞生院", "卫生院"), ("醫院裏", "医院里")],
)
def test_variants_fold_inside_words(variant: str, usual: str) -> None:
    assert normalise(variant) == normalise(usual)


def test_甚_alone_is_not_read_as_什() -> None:
    assert normalise("甚至") == "甚至"


def test_shown_text_keeps_著_where_simplified_keeps_it() -> None:
    # The variants table is for matching: a notice quoted in Simplified keeps 著作 as it is.
    assert to_simplified("著作") == "著作"
    assert to_simplified("衞生") == "卫生"


@pytest.mark.parametrize(
    ("variant", "usual"),
    [
        ("認證甚麼時候辦", "認證什麼時候辦"),
        ("年審要帶甚麼證件", "年審要帶什麼證件"),
        ("老人在醫院裏住着，年審怎麼辦", "老人在醫院裡住著，年審怎麼辦"),
        ("為甚麼每年都要認證", "为什么每年都要认证"),
        ("老人過身了要準備甚麼材料", "老人过身了要准备什么材料"),
        ("認證要帶身分證嗎", "认证要带身份证吗"),
    ],
)
def test_a_question_with_regional_variants_gets_the_same_answer(
    answerer: Answerer, variant: str, usual: str
) -> None:
    written_so = answerer.answer(variant)
    assert not written_so.handoff
    assert written_so.entry_id == answerer.answer(usual).entry_id
    assert written_so.confidence == answerer.answer(usual).confidence
