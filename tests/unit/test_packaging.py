"""An installed wheel (not only an editable checkout) carries what the bot reads at run time."""

from __future__ import annotations

import fnmatch
import tomllib
from typing import Any

from bot.i18n import LOCALES, LOCALES_DIR, ROOT


def test_the_catalogs_are_packed_where_i18n_looks_for_them() -> None:
    """setuptools packs a folder without __init__.py as a namespace package when `packages.find` (namespaces
    on by default) includes its dotted name, with the files that match `package-data`."""
    config: Any = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    find = config["packages"]["find"]
    assert find.get("namespaces", True)
    for locale in LOCALES:
        catalog = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
        package = ".".join(catalog.parent.relative_to(ROOT).parts)
        assert any(fnmatch.fnmatchcase(package, pattern) for pattern in find["include"]), package
        assert any(fnmatch.fnmatchcase(catalog.name, pattern) for pattern in config["package-data"]["*"])
