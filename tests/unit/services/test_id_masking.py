"""ID numbers typed into a question are masked before it is stored or shown, however they were typed."""

from __future__ import annotations

import pytest

from bot.services.questions import mask_id_numbers

MASKED = "2101**********123X"


@pytest.mark.parametrize(
    "typed",
    [
        "21010219500101123X",
        "21010219500101123x",
        "210102 19500101 123X",
        "210102-19500101-123X",
        "2101 0219 5001 0112 3X",
        "２１０１０２１９５００１０１１２３Ｘ",
        "２１０１０２　１９５００１０１　１２３ｘ",
    ],
)
def test_an_id_number_is_masked_however_it_was_typed(typed: str) -> None:
    assert mask_id_numbers(f"我的身份证是{typed}，这个月养老金怎么没到账") == (
        f"我的身份证是{MASKED}，这个月养老金怎么没到账"
    )


def test_a_legacy_15_digit_number_is_masked() -> None:
    assert mask_id_numbers("旧证 210102500101123 还能用吗") == "旧证 2101*******1123 还能用吗"


def test_a_phone_number_and_dates_are_left_alone() -> None:
    text = "电话 138 0013 8000，3月15日前，2026-03-15 办理，编号 12345"
    assert mask_id_numbers(text) == text


def test_an_id_number_next_to_a_phone_number_is_masked_alone() -> None:
    assert mask_id_numbers("21010219500101123X 13800138000") == f"{MASKED} 13800138000"
    assert mask_id_numbers("13800138000 210102 19500101 123X") == f"13800138000 {MASKED}"


def test_a_longer_run_of_digits_is_not_an_id_number() -> None:
    text = "账号 6222021001123456789012"
    assert mask_id_numbers(text) == text
