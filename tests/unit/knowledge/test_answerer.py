from __future__ import annotations

import pytest

from bot.knowledge.answerer import Answerer
from bot.knowledge.homophones import HomophoneMatcher


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("年审要带什么证件", "cert-documents"),
        ("養老金停發了怎麼恢復", "cert-restore"),
        ("丧葬费多少钱", "death-funeral-amount"),
        ("我搬到外地了怎么认证", "cert-living-elsewhere"),
    ],
)
def test_questions_find_their_entry(answerer: Answerer, question: str, entry: str) -> None:
    answer = answerer.answer(question)
    assert not answer.handoff
    assert answer.entry_id == entry
    assert answer.sources
    assert answer.sources[0].title


@pytest.mark.parametrize(
    "question",
    [
        "明天沈阳下雨吗",
        "tell me a joke",
        "北京的丧葬费标准是多少",
        "医保报销比例是多少",
        "社区电话多少",
        "养老金会涨吗",
        "出国了怎么认证",
        "在國外怎麼認證",
        "I live abroad, how do I certify?",
    ],
)
def test_out_of_scope_questions_are_handed_off(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.handoff
    assert answer.entry_id is None


def test_living_abroad_hands_off_certification_only(answerer: Answerer) -> None:
    assert not answerer.answer("我在国外，社区能帮我们家申请丧葬费吗").handoff


def test_a_missing_region_value_says_ask_the_office(answerer: Answerer) -> None:
    answer = answerer.answer("How much is the funeral grant?")
    assert answer.language == "en"
    assert "funeral_allowance_amount" in answer.missing_values
    assert "please ask" in answer.text
    assert "{" not in answer.text


def test_answers_come_in_the_question_language(answerer: Answerer) -> None:
    assert answerer.answer("喪葬費是多少").language == "zh_Hant"
    assert answerer.answer("喪葬費是多少").text != answerer.answer("丧葬费是多少").text


def test_another_province_is_labelled(answerer: Answerer) -> None:
    entry = next(e for e in answerer.kb.entries if e.region == "jiangsu")
    label = answerer.region_label(entry, answerer.translator("en"))
    assert label is not None
    assert "Jiangsu" in label


def test_homophone_typos_are_corrected() -> None:
    matcher = HomophoneMatcher(["认证", "社保局", "抚恤金"])
    assert matcher.correct("人证") == "认证"
    assert matcher.correct("社报局") == "社保局"
    assert matcher.correct("怎么领") == "怎么领"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # The facet asked picks the entry among those on one subject.
        ("年审没办会怎么样", "cert-missed"),
        ("认证是几月份", "cert-when"),
        # A province named wins over the local entry on the same subject.
        ("江苏的退休人员认证谁负责", "cert-jiangsu"),
    ],
)
def test_facets_and_provinces_choose_among_entries_on_one_subject(
    answerer: Answerer, question: str, entry: str
) -> None:
    assert answerer.answer(question).entry_id == entry


def test_singing_in_the_community_is_not_chit_chat(answerer: Answerer) -> None:
    answer = answerer.answer("社区组织老人唱歌跳舞吗")
    assert not answer.handoff
    assert answer.entry_id == "sm-activities"


@pytest.mark.parametrize(
    ("typed", "read"),
    [("扶恤金去哪里办", "抚恤金去哪里办"), ("年伸要带啥", "年审要带啥"), ("生存认怔", "生存认证")],
)
def test_homophone_typos_of_our_terms_are_read_as_the_terms(
    answerer: Answerer, typed: str, read: str
) -> None:
    assert answerer.analyzer.analyse(typed).text == read


@pytest.mark.parametrize(
    "text",
    [
        # Regression: everyday words one sound away from a term were "corrected" into it.
        "可以晚点办吗",  # 晚点 is not 网点
        "县里退休的人一共有多少",  # 里退休 is not 离退休
        "社区会帮退休人员做哪些事",  # 帮退休 is not 办退休
        "能找人代办吗",  # 找人 is not 招人
        "冬天取暖费还是原单位出吗",
        "腿脚不好出不了门",
    ],
)
def test_everyday_words_are_not_taken_for_typos(answerer: Answerer, text: str) -> None:
    assert answerer.analyzer.analyse(text).text == text


@pytest.mark.parametrize(
    "question", ["我在广州带外孙 认证怎么办", "I moved to Shenzhen, how do I do the yearly check?"]
)
def test_a_place_lived_in_means_living_elsewhere_not_another_region(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.handoff
    entry = answerer.entry(answer.entry_id or "")
    assert entry is not None
    assert entry.id in {"cert-living-elsewhere", "away-moving-checklist", "cert-remote-form"}


def test_an_entry_about_certification_covers_the_pension_it_implies(answerer: Answerer) -> None:
    answer = answerer.answer("Where do I go for the pension certification?")
    assert answer.entry_id == "cert-where"
    assert answer.confidence == 1.0


def test_an_entry_missing_the_subject_gives_way_to_one_covering_it(answerer: Answerer) -> None:
    # Regression: "how much" ranked the death-benefit amounts first, which do not mention the fee at all,
    # and the question was handed off although the next-steps entry covers it.
    answer = answerer.answer("退管费要交多少")
    assert not answer.handoff
    assert answer.entry_id == "retire-next-steps"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # Moving in with a child is living elsewhere; a child doing it for the retiree is a proxy.
        ("搬到儿子那里住了，认证怎么办", "cert-living-elsewhere"),
        ("现在住闺女家，认证怎么做", "cert-living-elsewhere"),
        ("闺女能替我去认证吗", "cert-family-proxy"),
        ("儿子能替我去认证吗", "cert-family-proxy"),
    ],
)
def test_living_with_a_child_is_not_sending_the_child(answerer: Answerer, question: str, entry: str) -> None:
    assert answerer.answer(question).entry_id == entry
