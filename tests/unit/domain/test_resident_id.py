from __future__ import annotations

import hashlib
import hmac
import logging
import random
from datetime import date, timedelta

import pytest

from bot.domain.resident_id import (
    InvalidReason,
    InvalidResidentId,
    ResidentId,
    check_character,
)

# The worked example printed in GB 11643-1999 itself, not a real person's number.
STANDARD_EXAMPLE = "11010519491231002X"
TODAY = date(2025, 6, 1)


def _random_valid(rng: random.Random) -> str:
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    first17 = f"{rng.randrange(110000, 660000):06d}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_character(first17)


def _reason(text: str) -> InvalidReason:
    with pytest.raises(InvalidResidentId) as caught:
        ResidentId.parse(text, today=TODAY)
    return caught.value.reason


def test_the_standard_example_is_valid() -> None:
    rid = ResidentId.parse(STANDARD_EXAMPLE, today=TODAY)
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.region_code == "110105"
    assert rid.unmasked() == STANDARD_EXAMPLE


def test_check_character_of_the_standard_example_is_x() -> None:
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"


def test_lowercase_x_whitespace_and_full_width_digits_are_tolerated() -> None:
    full_width = "１１０１０５ １９４９１２３１ ００２ｘ"
    assert ResidentId.parse(full_width, today=TODAY) == ResidentId.parse(STANDARD_EXAMPLE, today=TODAY)
    assert ResidentId.parse(" 11010519491231002x\n", today=TODAY).unmasked() == STANDARD_EXAMPLE


def test_a_legacy_15_digit_number_is_upgraded_with_century_and_check_character() -> None:
    rid = ResidentId.parse("110105491231002", today=TODAY)
    assert rid.unmasked() == STANDARD_EXAMPLE
    assert rid.birth_date == date(1949, 12, 31)


def test_legacy_and_modern_forms_hash_alike() -> None:
    key = b"k"
    assert ResidentId.parse("110105491231002", today=TODAY).keyed_hash(key) == ResidentId.parse(
        STANDARD_EXAMPLE, today=TODAY
    ).keyed_hash(key)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", InvalidReason.LENGTH),
        ("1101051949123100", InvalidReason.LENGTH),
        ("11010519491231002X1", InvalidReason.LENGTH),
        ("1101051949123100-X", InvalidReason.CHARACTERS),
        ("11010519491231X02X", InvalidReason.CHARACTERS),
        ("11010549123100X", InvalidReason.CHARACTERS),
        ("11010519491231002Y", InvalidReason.CHARACTERS),
        ("11010519491231002٣", InvalidReason.CHARACTERS),
        ("110105491331002", InvalidReason.BIRTH_DATE),
        ("110105490230002", InvalidReason.BIRTH_DATE),
    ],
)
def test_invalid_numbers_report_their_reason(text: str, reason: InvalidReason) -> None:
    assert _reason(text) is reason


def test_an_impossible_date_with_a_correct_check_digit_is_a_birth_date_problem() -> None:
    first17 = "11010519490230002"  # 30 February
    assert _reason(first17 + check_character(first17)) is InvalidReason.BIRTH_DATE


def test_a_birth_date_in_the_future_is_rejected() -> None:
    tomorrow = TODAY + timedelta(days=1)
    first17 = f"110105{tomorrow:%Y%m%d}001"
    assert _reason(first17 + check_character(first17)) is InvalidReason.BIRTH_DATE
    first17 = f"110105{TODAY:%Y%m%d}001"
    assert ResidentId.parse(first17 + check_character(first17), today=TODAY).birth_date == TODAY


def test_the_exception_message_does_not_echo_the_input() -> None:
    with pytest.raises(InvalidResidentId) as caught:
        ResidentId.parse("110105194912310021", today=TODAY)
    assert "110105" not in str(caught.value)
    assert caught.value.reason is InvalidReason.CHECK_DIGIT


def test_masked_shows_first_four_and_last_four() -> None:
    assert ResidentId.parse(STANDARD_EXAMPLE, today=TODAY).masked == "1101**********002X"


def test_repr_and_str_never_reveal_the_number(caplog: pytest.LogCaptureFixture) -> None:
    rid = ResidentId.parse(STANDARD_EXAMPLE, today=TODAY)
    logging.getLogger("test").warning("parsed %s %r %s", rid, rid, [rid])
    rendered = f"{rid} {rid!r} {[rid]} {caplog.text}"
    assert STANDARD_EXAMPLE not in rendered
    assert STANDARD_EXAMPLE[4:14] not in rendered
    assert rid.masked in rendered


def test_keyed_hash_is_hmac_sha256_of_the_canonical_form() -> None:
    rid = ResidentId.parse(STANDARD_EXAMPLE.lower(), today=TODAY)
    expected = hmac.new(b"secret", STANDARD_EXAMPLE.encode(), hashlib.sha256).hexdigest()
    assert rid.keyed_hash(b"secret") == expected
    assert rid.keyed_hash(b"other") != expected


def test_keyed_hash_refuses_an_empty_key() -> None:
    with pytest.raises(ValueError, match="empty key"):
        ResidentId.parse(STANDARD_EXAMPLE, today=TODAY).keyed_hash(b"")


def test_build_makes_a_number_that_parses_back() -> None:
    rid = ResidentId.build("210102", date(1955, 3, 7), 123)
    assert rid.unmasked().startswith("21010219550307123")
    assert ResidentId.parse(rid.unmasked(), today=TODAY) == rid


@pytest.mark.parametrize("seed", range(5))
def test_property_generated_numbers_are_valid(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        number = _random_valid(rng)
        rid = ResidentId.parse(number, today=TODAY)
        assert rid.unmasked() == number
        assert f"{rid.birth_date:%Y%m%d}" == number[6:14]


@pytest.mark.parametrize("seed", range(5))
def test_property_changing_any_one_character_breaks_the_check_digit(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(200):
        number = _random_valid(rng)
        position = rng.randrange(18)
        alphabet = "0123456789X" if position == 17 else "0123456789"
        replacement = rng.choice([c for c in alphabet if c != number[position]])
        mutated = number[:position] + replacement + number[position + 1 :]
        assert _reason(mutated) is InvalidReason.CHECK_DIGIT, (position, replacement)


@pytest.mark.parametrize("seed", range(3))
def test_property_legacy_numbers_upgrade_to_valid_modern_ones(seed: int) -> None:
    rng = random.Random(2000 + seed)
    for _ in range(100):
        modern = _random_valid(rng)
        if modern[6:8] != "19":
            continue
        legacy = modern[:6] + modern[8:17]
        assert ResidentId.parse(legacy, today=TODAY) == ResidentId.parse(modern, today=TODAY)


@pytest.mark.parametrize("key", [b"k", b"a key of ordinary length", bytes(range(200))])
def test_the_keyed_hash_is_hmac_sha256(key: bytes) -> None:
    number = ResidentId.build("210102", date(1950, 1, 2), 11)
    expected = hmac.new(key, number.unmasked().encode("ascii"), hashlib.sha256).hexdigest()
    assert number.keyed_hash(key) == expected
