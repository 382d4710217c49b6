"""The core stays framework-free: nothing under bot/, storage/ or scheduler/ imports a Telegram framework.

ruff's banned-api rule (TID251) enforces this while editing; this test enforces it in the suite too, including
imports hidden inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ("bot", "storage", "scheduler")
FRAMEWORKS = {"aiogram", "telegram"}


def _imported_top_level_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_package_never_imports_a_telegram_framework(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / package).rglob("*.py"))
        if _imported_top_level_modules(path.read_text(encoding="utf-8")) & FRAMEWORKS
    ]
    assert offenders == []


def test_the_import_scanner_sees_nested_imports() -> None:
    source = "def f():\n    from aiogram import Bot\n    import telegram.ext\n"
    assert _imported_top_level_modules(source) >= FRAMEWORKS
