from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.emulator.spec import BUNDLED_SPEC, SPEC_ENV, load_spec, parse_spec, resolve_spec_path

REPOSITORY = Path(__file__).resolve().parents[3]


def test_default_spec_is_the_copy_inside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPEC_ENV, raising=False)
    path = resolve_spec_path()
    assert path == BUNDLED_SPEC
    assert path.resolve().is_relative_to(REPOSITORY)
    spec = load_spec()
    assert spec.version.startswith("Bot API")
    assert load_spec() is spec  # parsed once


def test_methods_are_found_whatever_the_case() -> None:
    spec = load_spec()
    method = spec.method("SendMessage")
    assert method is not None
    assert method.name == "sendMessage"
    assert method.fields["text"].required
    assert not method.fields["parse_mode"].required


def test_subtypes_carry_their_type_constant() -> None:
    types = load_spec().types
    assert types["BotCommandScopeChat"].constant_type == "chat"
    assert types["ReactionTypeEmoji"].constant_type == "emoji"
    assert "MenuButtonCommands" in types["MenuButton"].subtypes
    assert types["Chat"].constant_type is None  # "can be either ..." is not a constant


def test_spec_from_a_given_path(tmp_path: Path) -> None:
    raw = {"version": "test", "methods": {"ping": {"fields": []}}, "types": {}}
    spec = parse_spec(raw)
    assert spec.method("PING") is not None
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(raw))
    assert load_spec(path).version == "test"


def test_environment_variable_overrides_the_bundled_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"version": "other", "methods": {}, "types": {}}))
    monkeypatch.setenv(SPEC_ENV, str(path))
    assert resolve_spec_path() == path
