"""The regional variant forms that OpenCC leaves apart from the usual ones (著 for 着, 甚麼 for 什麼): a small
table in variants.yaml, read once and checked when it is read (a broken line fails naming the file and key).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VARIANTS_FILE = Path(__file__).resolve().parent / "variants.yaml"


class VariantsError(ValueError):
    """A broken variants table; the message names the file and the key."""


class Variants:
    __slots__ = ("_table", "characters", "phrases")

    def __init__(self, characters: Mapping[str, str], phrases: Mapping[str, str]) -> None:
        self.characters = dict(characters)
        self.phrases = dict(phrases)
        self._table = str.maketrans(self.characters)

    def fold(self, text: str) -> str:
        """`text` with every variant read as its usual form."""
        text = text.translate(self._table)
        for variant, usual in self.phrases.items():
            if variant in text:
                text = text.replace(variant, usual)
        return text


def load_variants(path: Path = VARIANTS_FILE) -> Variants:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise VariantsError(f"{path}: {exc}") from None
    if not isinstance(raw, dict) or set(raw) - {"characters", "phrases"}:
        raise VariantsError(f"{path}: expected a mapping with characters and phrases")
    characters = _pairs(path, "characters", raw.get("characters"))
    phrases = _pairs(path, "phrases", raw.get("phrases"))
    for key in characters:
        if len(key) != 1:
            raise VariantsError(f"{path}: characters: {key!r} is not one character (put it under phrases)")
    for key in phrases:
        if len(key) < 2:
            raise VariantsError(f"{path}: phrases: {key!r} is one character (put it under characters)")
    variants = Variants(characters, phrases)
    # One pass must be the whole fold: a value that the table would change again is a chain.
    for section, pairs in (("characters", characters), ("phrases", phrases)):
        for key, value in pairs.items():
            if variants.fold(value) != value:
                raise VariantsError(f"{path}: {section}: {key}: {value!r} is itself a variant")
    return variants


def _pairs(path: Path, section: str, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise VariantsError(f"{path}: {section} must be a mapping of variant to usual form")
    pairs: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, str) or not key or not value or key == value:
            raise VariantsError(f"{path}: {section}: {key!r}: needs a variant and a different usual form")
        pairs[key] = value
    return pairs


@lru_cache(maxsize=1)
def shipped_variants() -> Variants:
    """The table shipped beside this module, read once per process."""
    return load_variants()
