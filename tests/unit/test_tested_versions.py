"""Dependencies whose internals the project leans on stay inside the versions the suite passed with."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from bot.i18n import ROOT
from bot.tested_versions import RELIANCES, Reliance, UntestedDependencyError, require_tested


def _project_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {canonicalize_name(requirement.name): requirement for requirement in requirements}


def _pins() -> dict[str, Version]:
    lines = (ROOT / "constraints.txt").read_text("utf-8").splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {canonicalize_name(name): Version(pinned) for name, pinned in pairs}


@pytest.mark.parametrize("distribution", sorted(RELIANCES))
def test_installed_version_was_tested(distribution: str) -> None:
    installed = Version(version(distribution))
    tested = RELIANCES[distribution].tested
    assert installed in tested, f"{distribution} {installed} is outside its tested range {tested}"


@pytest.mark.parametrize("distribution", sorted(RELIANCES))
def test_pyproject_caps_the_same_range(distribution: str) -> None:
    requirement = _project_requirements()[canonicalize_name(distribution)]
    assert requirement.specifier == RELIANCES[distribution].tested


@pytest.mark.parametrize("distribution", sorted(RELIANCES))
def test_lock_pins_a_tested_version(distribution: str) -> None:
    assert _pins()[canonicalize_name(distribution)] in RELIANCES[distribution].tested


def test_every_dependency_is_pinned() -> None:
    assert set(_project_requirements()) <= set(_pins())


def test_an_untested_version_fails_naming_the_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RELIANCES, "aiosqlite", Reliance("aiosqlite", SpecifierSet("<0.1"), "a reason"))
    expected = r"aiosqlite .* tested with aiosqlite<0\.1 \(a reason\)"
    with pytest.raises(UntestedDependencyError, match=expected):
        require_tested("aiosqlite")
