"""An import inside a function is for loading less (a command's own modules, one framework of two, a
heavy library only when its feature is used), never to dodge an import cycle: a cycle says a module is
in the wrong place. import-linter's acyclic contract sees every import; this test names the deferred ones
whose target imports, directly or not, the module that defers it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import grimp

from bot.i18n import ROOT

PACKAGES = ("bot", "handlers", "scheduler", "storage")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _deferred_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) of each import inside a function of `path`."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                yield from ((inner.lineno, alias.name) for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom):
                base = inner.module or ""
                if inner.level:
                    anchor = package.rsplit(".", inner.level - 1)[0] if inner.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                yield from ((inner.lineno, f"{base}.{alias.name}") for alias in inner.names)
                yield inner.lineno, base


def test_no_function_imports_a_module_that_imports_it_back() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    dodges = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            importer = _module_name(path)
            for line, imported in _deferred_imports(path):
                if imported in graph.modules and imported != importer:
                    chain = graph.find_shortest_chain(importer=imported, imported=importer)
                    if chain is not None:
                        dodges.append(f"{path.relative_to(ROOT)}:{line} {' -> '.join(chain)}")
    assert dodges == []
