from __future__ import annotations

from bot.knowledge.paraphrase import ParaphraseIndex


def test_the_closest_phrasing_decides_not_the_sum_of_all() -> None:
    index = ParaphraseIndex(
        [
            # Many phrasings, each sharing one token with the question.
            [["认证", "时间"], ["认证", "地点"], ["认证", "材料"], ["认证", "费用"]],
            # One phrasing saying just what the question says.
            [["认证", "材料", "带"]],
        ]
    )
    similarities = index.similarities(["认证", "材料", "带"])
    assert similarities[1] > similarities[0]
    assert similarities[1] == 1.0


def test_documents_sharing_nothing_are_left_out() -> None:
    index = ParaphraseIndex([[["银行"]], [["认证"]]])
    assert set(index.similarities(["认证"])) == {1}


def test_unknown_question_words_lower_every_similarity() -> None:
    index = ParaphraseIndex([[["认证", "时间"]]])
    assert index.similarities(["认证", "时间", "天气"])[0] < index.similarities(["认证", "时间"])[0]
