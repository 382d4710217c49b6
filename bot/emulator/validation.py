"""Coerce and check a call's parameters against the spec, the way the Bot API reads them.

Clients send either JSON (typed values) or form fields (every value a string, complex values
JSON-encoded, files as multipart parts referenced directly or via "attach://name"). Both are
normalised to typed Python values here; anything Telegram would refuse raises ApiError(400).
Beyond types, the limits Telegram enforces on content (text and caption length, callback_data,
number of inline buttons, HTML that parses) are checked in checks.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.spec import ApiSpec, MethodSpec, ObjectSpec

_INTEGER = re.compile(r"^-?\d+$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_ARRAY = "Array of "


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str

    def describe(self) -> dict[str, Any]:
        return {"upload": self.filename, "size": len(self.content), "content_type": self.content_type}


class _Mismatch(Exception):
    """A value does not fit one type; carries the reason used if no alternative type fits either."""


def _from_json_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError as exc:
        raise _Mismatch("not valid JSON") from exc


class Validator:
    def __init__(self, spec: ApiSpec) -> None:
        self._spec = spec

    def validate_call(
        self, method: MethodSpec, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> dict[str, Any]:
        """Return the typed parameters or raise ApiError(400)."""
        params: dict[str, Any] = {}
        for name, value in raw.items():
            spec_field = method.fields.get(name)
            if spec_field is None:
                raise bad_request(f'unknown parameter "{name}" for method {method.name}')
            if value is None:
                continue
            try:
                params[name] = self._value(spec_field.types, value, uploads, top_level=True)
            except _Mismatch as exc:
                raise bad_request(
                    f'field "{name}" must be of type {" or ".join(spec_field.types)}: {exc}'
                ) from None
        for name, spec_field in method.fields.items():
            if spec_field.required and name not in params:
                raise bad_request(_missing(name))
        return params

    def _value(
        self, types: tuple[str, ...], value: Any, uploads: Mapping[str, Upload], *, top_level: bool
    ) -> Any:
        reasons: list[tuple[int, str]] = []
        for type_name in types:
            try:
                return self._one(type_name, value, uploads, top_level=top_level)
            except _Mismatch as exc:
                reasons.append((self._affinity(type_name, value), str(exc)))
        if not reasons:
            raise _Mismatch("bad value")
        # Explain with the alternative the value looks most like (most of its keys are that type's).
        raise _Mismatch(max(reasons, key=lambda r: r[0])[1])

    def _affinity(self, type_name: str, value: Any) -> int:
        spec = self._spec.types.get(type_name)
        if spec is None or not isinstance(value, dict):
            return 0
        return sum(1 for key in value if key in spec.fields)

    def _one(self, type_name: str, value: Any, uploads: Mapping[str, Upload], *, top_level: bool) -> Any:
        if type_name == "String":
            return _string(value, top_level)
        if type_name == "Integer":
            return _integer(value, top_level)
        if type_name == "Float":
            return _float(value, top_level)
        if type_name in ("Boolean", "True"):
            return _boolean(value, top_level)
        if type_name == "InputFile":
            return _input_file(value, uploads)
        if type_name.startswith(_ARRAY):
            return self._array(type_name.removeprefix(_ARRAY), value, uploads, top_level=top_level)
        spec = self._spec.types.get(type_name)
        if spec is None:
            return value  # a type the spec only names; nothing to check against
        if isinstance(value, str) and top_level:
            value = _from_json_text(value)
        return self._object(spec, value, uploads)

    def _array(self, item_type: str, value: Any, uploads: Mapping[str, Upload], *, top_level: bool) -> Any:
        if isinstance(value, str) and top_level:
            value = _from_json_text(value)
        if not isinstance(value, list):
            raise _Mismatch(f"expected an Array of {item_type}")
        return [self._value((item_type,), item, uploads, top_level=False) for item in value]

    def _object(self, spec: ObjectSpec, value: Any, uploads: Mapping[str, Upload]) -> Any:
        if spec.subtypes:
            return self._union(spec, value, uploads)
        if not isinstance(value, dict):
            raise _Mismatch(f"expected a {spec.name} object")
        if not spec.fields:
            return value
        if spec.constant_type is not None and value.get("type") != spec.constant_type:
            raise _Mismatch(f'{spec.name}.type must be "{spec.constant_type}"')
        checked: dict[str, Any] = {}
        for key, item in value.items():
            spec_field = spec.fields.get(key)
            if spec_field is None:
                raise _Mismatch(f'in {spec.name}: unknown field "{key}"')
            if item is None:
                continue
            try:
                checked[key] = self._value(spec_field.types, item, uploads, top_level=False)
            except _Mismatch as exc:
                raise _Mismatch(f'in {spec.name}: field "{key}": {exc}') from None
        for key in spec.required:
            if key not in checked:
                raise _Mismatch(f'in {spec.name}: field "{key}" is required')
        return checked

    def _union(self, spec: ObjectSpec, value: Any, uploads: Mapping[str, Upload]) -> Any:
        kind = value.get("type") if isinstance(value, dict) else None
        candidates = [
            s
            for s in spec.subtypes
            if kind is None or (sub := self._spec.types.get(s)) is None or sub.constant_type in (None, kind)
        ]
        if not candidates:
            raise _Mismatch(f'in {spec.name}: unsupported type "{kind}"')
        return self._value(tuple(candidates), value, uploads, top_level=False)


def _missing(name: str) -> str:
    if name == "text":
        return "message text is empty"
    return f"{name} is empty" if name.endswith("_id") else f"parameter {name} is required"


def _string(value: Any, top_level: bool) -> str:
    if isinstance(value, str):
        return value
    # Telegram reads numbers sent for a string field as their decimal text.
    if top_level and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _Mismatch("expected a String")


def _integer(value: Any, top_level: bool) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if top_level and isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    raise _Mismatch("expected an Integer")


def _float(value: Any, top_level: bool) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if top_level and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise _Mismatch("expected a Float")


def _boolean(value: Any, top_level: bool) -> bool:
    if isinstance(value, bool):
        return value
    if top_level and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise _Mismatch("expected a Boolean")


def _input_file(value: Any, uploads: Mapping[str, Upload]) -> Upload:
    if isinstance(value, Upload):
        return value
    if isinstance(value, str) and value.startswith("attach://"):
        part = uploads.get(value.removeprefix("attach://"))
        if part is None:
            raise _Mismatch(f"no multipart part named {value.removeprefix('attach://')!r}")
        return part
    raise _Mismatch("expected an uploaded file")
