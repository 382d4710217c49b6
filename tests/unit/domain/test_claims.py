from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.claims import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    AmountError,
    ClaimRules,
    DocumentSpec,
    parse_amount,
    reference_number,
    spoken_reference,
)
from bot.regions import PROFILES_DIR, RegionError, load_region_profile


def test_reference_numbers_can_be_read_out_on_the_phone() -> None:
    for _ in range(200):
        reference = reference_number()
        assert len(reference) == REFERENCE_LENGTH
        assert set(reference) <= set(REFERENCE_ALPHABET)
    assert not set("0O1I") & set(REFERENCE_ALPHABET)
    assert spoken_reference("K7P29XQM") == "K7P2-9XQM"


def test_working_days_skip_weekends_and_holidays_and_count_workdays() -> None:
    rules = ClaimRules(
        documents=(),
        holidays=frozenset({date(2027, 10, 1)}),
        workdays=frozenset({date(2027, 10, 9)}),  # a Saturday worked instead
    )
    # Thursday 30 September to Monday 4 October: Friday 1 is a holiday, the weekend is not worked.
    assert rules.working_days_between(date(2027, 9, 30), date(2027, 10, 4)) == 1
    assert rules.working_days_between(date(2027, 10, 8), date(2027, 10, 9)) == 1
    assert rules.working_days_between(date(2027, 10, 4), date(2027, 10, 4)) == 0


def test_the_power_of_attorney_is_asked_only_of_an_agent() -> None:
    rules = ClaimRules(
        documents=(
            DocumentSpec("applicant_id", {"en": "ID"}),
            DocumentSpec("power_of_attorney", {"en": "POA"}, only_for_agents=True),
        )
    )
    assert [d.key for d in rules.checklist(is_recipient=True)] == ["applicant_id"]
    assert [d.key for d in rules.checklist(is_recipient=False)] == ["applicant_id", "power_of_attorney"]


def test_profiles_list_the_county_documents_and_the_national_ones() -> None:
    county = load_region_profile(PROFILES_DIR / "county.yaml").claims
    liaoning = load_region_profile(PROFILES_DIR / "liaoning.yaml").claims
    assert county is not None
    assert liaoning is not None
    assert [d.key for d in county.documents] == [
        "cremation_certificate",
        "burial_certificate",
        "deceased_id",
        "applicant_id",
    ]
    assert county.spec("cremation_certificate") is not None
    assert county.documents[0].name("zh_Hans") == "火化证明"
    assert {"death_certificate", "hukou_cancellation", "relationship_proof", "bank_card"} <= {
        d.key for d in liaoning.documents
    }
    assert liaoning.review_working_days == 3


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ("claims: {documents: []}", "claims.documents"),
        ("claims: {documents: [{key: x, name: {en: X}}]}", "claims.documents[0].name"),
        ("claims: {documents: [{key: 'a b', name: X}]}", "claims.documents[0].key"),
        ("claims: {documents: [{key: x, name: X}, {key: x, name: Y}]}", "listed twice"),
        ("claims: {documents: [{key: x, name: X}], working_days: [someday]}", "claims.working_days"),
        ("claims: {documents: [{key: x, name: X}], holidays: [soon]}", "claims.holidays"),
        ("claims: {documents: [{key: x, name: X}], review_working_days: 0}", "review_working_days"),
    ],
)
def test_a_broken_claims_section_names_the_file_and_the_key(tmp_path: Path, section: str, named: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(f"id: broken\n{section}\n", encoding="utf-8")
    with pytest.raises(RegionError, match=re.escape(named)) as caught:
        load_region_profile(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("5637", "5637.00"),
        ("5,637.00", "5637.00"),
        ("5637元", "5637.00"),
        ("￥5637", "5637.00"),
        ("¥5,637.5", "5637.50"),
        ("5 637", "5637.00"),
        ("５６３７元", "5637.00"),
        ("CNY 5637", "5637.00"),
        ("人民币5637元", "5637.00"),
    ],
)
def test_amounts_are_read_as_staff_type_them(typed: str, amount: str) -> None:
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["abc", "0", "-5", "5,63", "1.234", "", "99999999", "5637.00.1"])
def test_what_is_no_amount_is_refused(typed: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(typed)
