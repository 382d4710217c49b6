from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.normalise import to_simplified
from bot.knowledge.variants import VariantsError, load_variants, shipped_variants


def test_the_shipped_table_is_read_as_hk2s_leaves_text() -> None:
    # A key that hk2s would change never reaches the table.
    variants = shipped_variants()
    for key in (*variants.characters, *variants.phrases):
        assert to_simplified(key) == key, key


def test_every_line_of_the_shipped_table_is_needed() -> None:
    variants = shipped_variants()
    for key, value in (*variants.characters.items(), *variants.phrases.items()):
        assert to_simplified(key) != to_simplified(value), f"hk2s already reads {key} as {value}"


def test_fold_reads_characters_and_phrases() -> None:
    variants = shipped_variants()
    assert variants.fold("为甚么住著") == "为什么住着"
    assert variants.fold("甚至") == "甚至"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("characters: {著作: 着作}\n", "not one character"),
        ("phrases: {著: 着}\n", "is one character"),
        ("characters: {著: 着, 着: 者}\n", "is itself a variant"),
        ("characters: {著: 著}\n", "different usual form"),
        ("characters: [著]\n", "must be a mapping"),
        ("words: {甚么: 什么}\n", "characters and phrases"),
        ("characters: {著: [\n", "variants.yaml"),
    ],
)
def test_a_broken_table_fails_naming_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "variants.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VariantsError, match=message) as caught:
        load_variants(path)
    assert str(path) in str(caught.value)
