"""A clone with nothing beside it runs: no file of the project names a path outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.i18n import ROOT

# A relative path that climbs ("../x", "..\\x"), and Path(__file__) climbing by index or by .parent.
_CLIMB = re.compile(r"(?<![\w.])\.\.[/\\][^\s\"'`)]*")
_PARENTS_INDEX = re.compile(r"Path\(__file__\)\.resolve\(\)\.parents\[(\d+)\]((?:\.parent)*)")
_PARENT_CHAIN = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent)+)")
# Folders that exist beside the repository on the developers' machines only.
_SHELF = re.compile(r"\bshared[/\\](?:reference|seeds|hooks)\b")
_NAMED_FROM_THEIR_FOLDER = {".md", ".yaml", ".yml"}


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    files = [ROOT / name for name in listed if name and (ROOT / name).is_file()]
    return [path for path in files if b"\0" not in path.read_bytes()[:4096]]


def _inside(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def _escapes(path: Path, text: str) -> list[str]:
    found = [match.group(0) for match in _SHELF.finditer(text)]
    # Data files and docs name their neighbours; code runs with the repository as working directory.
    base = path.parent if path.suffix in _NAMED_FROM_THEIR_FOLDER else ROOT
    found += [match.group(0) for match in _CLIMB.finditer(text) if not _inside(base / match.group(0))]
    for match in _PARENTS_INDEX.finditer(text):
        parents = path.resolve().parents
        if int(match.group(1)) >= len(parents):
            found.append(match.group(0))
            continue
        target = parents[int(match.group(1))]
        for _ in range(match.group(2).count(".parent")):
            target = target.parent
        if not target.is_relative_to(ROOT):
            found.append(match.group(0))
    for match in _PARENT_CHAIN.finditer(text):
        target = path.resolve()
        for _ in range(match.group(1).count(".parent")):
            target = target.parent
        if not target.is_relative_to(ROOT):
            found.append(match.group(0))
    return found


def test_no_file_names_a_path_outside_the_repository() -> None:
    this_file = Path(__file__).resolve()
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in _tracked_text_files()
        if path.resolve() != this_file and (found := _escapes(path, path.read_text("utf-8", "replace")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "line",
    [
        'SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "api.json"',
        'SPEC = Path(__file__).resolve().parents[9] / "api.json"',
        "SPEC = Path(__file__).parent.parent.parent.parent.parent.parent.parent.parent.parent / 'x'",
        'open("../../elsewhere/notes.txt")',
        "cp ../shared/reference/telegram-bot-api.json .",
    ],
)
def test_the_scanner_finds_an_escape(line: str) -> None:
    assert _escapes(ROOT / "bot" / "emulator" / "spec.py", line)


def test_the_scanner_allows_paths_inside() -> None:
    assert not _escapes(ROOT / "bot" / "knowledge" / "data" / "entries" / "x.yaml", "# see ../sources.yaml")
    runner = ROOT / "bot" / "demo" / "runner.py"
    assert not _escapes(runner, 'Path(__file__).resolve().parents[2] / "samples"')
