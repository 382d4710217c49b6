"""The dependencies whose private internals the project leans on, and the versions it was tested with.

Two speed-ups reach below public APIs: the lean aiogram import (handlers/aiogram_adapter/lean_import.py)
changes how pydantic rebuilds aiogram's models while aiogram imports, and the SQLite driver
(storage/sqlite_driver.py) subclasses SQLAlchemy's aiosqlite adapter and calls aiosqlite's worker thread
directly. A release of any of these may change what they rely on without notice, so each is allowed only
in the range the suite passed with (pyproject.toml caps the same ranges), and the module that leans on it
refuses to load outside that range instead of misbehaving quietly. To move to a newer release: widen the
range here and in pyproject.toml, re-lock (`make lock`), run the whole suite (`make test`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass(frozen=True, slots=True)
class Reliance:
    distribution: str
    tested: SpecifierSet
    reason: str


RELIANCES: dict[str, Reliance] = {
    reliance.distribution: reliance
    for reliance in (
        Reliance("aiogram", SpecifierSet(">=3.31,<3.32"), "the lean import defers its model rebuild"),
        Reliance("pydantic", SpecifierSet(">=2.13,<2.14"), "the lean aiogram import wraps model_rebuild"),
        Reliance("sqlalchemy", SpecifierSet(">=2.1.9,<2.2"), "the SQLite driver subclasses its adapter"),
        Reliance("aiosqlite", SpecifierSet(">=0.22,<0.23"), "the SQLite driver uses its worker thread"),
    )
}


class UntestedDependencyError(ImportError):
    """A dependency whose internals the project leans on is at a version the suite never ran with."""


def require_tested(distribution: str) -> None:
    """Raise UntestedDependencyError unless the installed `distribution` is inside its tested range."""
    reliance = RELIANCES[distribution]
    try:
        installed = Version(version(distribution))
    except PackageNotFoundError as error:
        raise UntestedDependencyError(f"{distribution} is not installed ({reliance.reason})") from error
    if installed not in reliance.tested:
        raise UntestedDependencyError(
            f"{distribution} {installed} is installed, but retiree-bot was tested with {distribution}"
            f"{reliance.tested} ({reliance.reason}). Install with `pip install -c constraints.txt`, or "
            "widen the range in bot/tested_versions.py and pyproject.toml after the whole suite passes."
        )
