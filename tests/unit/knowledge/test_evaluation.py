from __future__ import annotations

from typing import Any

from bot.knowledge.answerer import Answerer
from bot.knowledge.evaluation import EVAL_FILE, evaluate, load_questions


def _item(q: str, expect: list[str], also: list[str] | None = None) -> dict[str, Any]:
    return {"q": q, "expect": expect, **({"also": also} if also else {})}


def test_a_two_part_question_counts_only_when_both_parts_are_shown(answerer: Answerer) -> None:
    report = evaluate(
        answerer,
        [
            _item("年审去哪里办要带什么", ["cert-where", "cert-documents"], ["cert-documents"]),
            # Its main entry is right, but the answer leaves the second part out: a miss.
            _item("丧葬费给多少，什么时候发放", ["death-funeral-amount"], ["pay-date"]),
            _item("认证要带什么", ["cert-documents"]),
        ],
    )
    assert (report.in_scope, report.in_scope_correct) == (3, 2)
    assert (report.two_part, report.two_part_correct) == (2, 1)
    (miss,) = report.misses
    assert miss.got == "death-funeral-amount"
    assert (miss.expected_also, miss.got_also) == (("pay-date",), ())
    assert report.as_dict()["misses"][0]["expected_also"] == ["pay-date"]
    assert "wanted death-funeral-amount + pay-date, got death-funeral-amount" in "\n".join(report.lines())


def test_one_entry_answering_both_parts_is_enough_when_listed_for_both(answerer: Answerer) -> None:
    report = evaluate(
        answerer, [_item("身分證號碼寫錯了要去哪裡改，要帶甚麼", ["data-name-id"], ["data-name-id"])]
    )
    assert report.two_part_correct == 1


def test_the_shipped_set_asks_two_things_in_every_language() -> None:
    two_part = {item["lang"] for item in load_questions(EVAL_FILE) if item.get("also")}
    assert two_part == {"zh_Hans", "zh_Hant", "en"}
