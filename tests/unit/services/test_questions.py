"""What the log of unanswered questions keeps of a question: no ID or phone number, however typed."""

from __future__ import annotations

import pytest

from bot.services.questions import LOG_LIMIT, scrub


@pytest.mark.parametrize(
    "typed",
    [
        "21010219500101123X",
        "210102 19500101 123X",
        "210102-19500101-123X",
        "210102－19500101－123X",
        "２１０１０２１９５００１０１１２３ｘ",
        "2101**********123X",
    ],
)
def test_the_unanswered_log_keeps_no_id_number_however_it_was_typed(typed: str) -> None:
    logged = scrub(f"我的身份证是{typed}，养老金怎么没到账")
    assert logged.startswith("我的身份证是")
    assert logged.endswith("，养老金怎么没到账")
    assert "19500101" not in logged
    assert "0102" not in logged
    assert "０１０２" not in logged


def test_a_phone_number_is_left_out_and_a_long_question_shortened() -> None:
    assert scrub("电话 13912345678 多少") == "电话 … 多少"
    assert len(scrub("问" * 1000)) == LOG_LIMIT
