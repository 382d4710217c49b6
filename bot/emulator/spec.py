"""The machine-readable Bot API specification, indexed for fast per-call validation.

The JSON file (methods{name:{fields}}, types{name:{fields|subtypes}}) is parsed once into small
lookup structures so validating a call costs a few dict look-ups, not a scan of the whole spec.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_ENV = "RETIREE_BOT_API_SPEC"
# The copy that ships with the project (data/README.md says where it comes from and how to refresh it).
BUNDLED_SPEC = Path(__file__).resolve().parent / "data" / "telegram-bot-api.json"
# Subtypes of an abstract type (BotCommandScope, MenuButton, ReactionType...) are told apart by the
# constant their "type" field must hold; the spec only states it in prose.
_CONSTANT = re.compile(r"(?:must be|always)\s+[\"“]?([A-Za-z_]+)[\"”]?")


class SpecNotFoundError(FileNotFoundError):
    pass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(slots=True)
class ObjectSpec:
    name: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    subtypes: tuple[str, ...] = ()
    # The value the "type" field must hold, when the spec pins it (subtypes of abstract types).
    constant_type: str | None = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, f in self.fields.items() if f.required)


@dataclass(slots=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]


@dataclass(slots=True)
class ApiSpec:
    version: str
    methods: dict[str, MethodSpec]  # keyed by lower-case name: Telegram ignores the case of methods
    types: dict[str, ObjectSpec]

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())


def resolve_spec_path(spec_path: str | os.PathLike[str] | None = None) -> Path:
    """The spec to read: the one passed in, else $RETIREE_BOT_API_SPEC, else the bundled copy."""
    path = Path(spec_path if spec_path is not None else os.environ.get(SPEC_ENV) or BUNDLED_SPEC)
    if not path.is_file():
        raise SpecNotFoundError(
            f"Telegram Bot API spec not found at {path}; pass spec_path= or set {SPEC_ENV} "
            "to the path of telegram-bot-api.json"
        )
    return path


def _fields(raw: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(name=f["name"], types=tuple(f["types"]), required=bool(f["required"]))
        for f in raw
    }


def _constant_type(raw_fields: list[dict[str, Any]]) -> str | None:
    for f in raw_fields:
        if f["name"] == "type":
            description = f.get("description", "")
            if isinstance(description, list):
                description = " ".join(description)
            match = _CONSTANT.search(description)
            if match and "either" not in description:
                return match.group(1)
    return None


def parse_spec(data: dict[str, Any]) -> ApiSpec:
    methods = {
        name.lower(): MethodSpec(name=name, fields=_fields(raw.get("fields", [])))
        for name, raw in data["methods"].items()
    }
    types: dict[str, ObjectSpec] = {}
    for name, raw in data["types"].items():
        raw_fields = raw.get("fields", [])
        types[name] = ObjectSpec(
            name=name,
            fields=_fields(raw_fields),
            subtypes=tuple(raw.get("subtypes", ())),
            constant_type=_constant_type(raw_fields),
        )
    return ApiSpec(version=str(data.get("version", "")), methods=methods, types=types)


_CACHE: dict[Path, ApiSpec] = {}


def load_spec(spec_path: str | os.PathLike[str] | None = None) -> ApiSpec:
    path = resolve_spec_path(spec_path).resolve()
    if path not in _CACHE:
        _CACHE[path] = parse_spec(json.loads(path.read_text(encoding="utf-8")))
    return _CACHE[path]
