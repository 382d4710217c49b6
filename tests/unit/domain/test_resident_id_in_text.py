"""ID numbers inside free text: masked before a question is stored or shown, and found (when valid) so that
the message holding one is deleted, however they were typed."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.resident_id import mask_id_numbers, resident_id_spans

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


# The worked example printed in GB 11643-1999 itself, not a real person's number.
VALID = "11010519491231002X"
TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        VALID.lower(),
        "110105 19491231 002X",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５　１９４９１２３１　００２ｘ",
        "110105491231002",  # the legacy 15-digit form of the same number
    ],
)
def test_a_valid_id_number_is_found_however_it_was_typed(typed: str) -> None:
    text = f"我的身份证是{typed}，请问"
    assert resident_id_spans(text, today=TODAY) == [(6, 6 + len(typed))]


@pytest.mark.parametrize(
    "text",
    [
        VALID[:17] + "1",  # a wrong check character
        "110105194913310021",  # the check character adds up, but there is no 13th month
        "电话 138 0013 8000，2026-03-15 办理",
        "账号 6222021001123456789012",
        "12345678901234",
    ],
)
def test_what_is_not_a_valid_id_number_is_not_found(text: str) -> None:
    assert resident_id_spans(text, today=TODAY) == []


def test_every_id_number_in_a_text_is_found() -> None:
    text = f"{VALID} 和 110105491231002"
    assert resident_id_spans(text, today=TODAY) == [(0, 18), (21, 36)]
