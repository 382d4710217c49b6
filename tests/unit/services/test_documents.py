"""Exports made ready for Telegram: a temporary file, zipped above the 50 MB limit, or refused."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest

from bot.services.documents import write_document

ROWS = b"".join(b"%d,retiree,2101**********0001\n" % n for n in range(5000))


async def _write(target: BinaryIO) -> int:
    target.write(ROWS)
    return 5000


def _left(folder: Path) -> list[Path]:
    return list(folder.iterdir())


@pytest.fixture(autouse=True)
def temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


async def test_a_small_file_is_sent_as_written(temporary_files: Path) -> None:
    document = await write_document("list.csv", _write)
    assert document.path is not None
    assert (document.filename, document.rows, document.zipped) == ("list.csv", 5000, False)
    assert document.path.read_bytes() == ROWS
    assert document.size == len(ROWS)
    assert _left(temporary_files) == [document.path]


async def test_above_the_limit_it_is_sent_as_a_zip(temporary_files: Path) -> None:
    document = await write_document("list.csv", _write, limit=len(ROWS) // 2)
    assert document.path is not None
    assert (document.filename, document.zipped) == ("list.csv.zip", True)
    with zipfile.ZipFile(document.path) as archive:
        assert archive.namelist() == ["list.csv"]
        assert archive.read("list.csv") == ROWS
    assert _left(temporary_files) == [document.path]  # the unzipped file is gone


async def test_too_large_even_zipped_leaves_nothing_behind(temporary_files: Path) -> None:
    document = await write_document("list.csv", _write, limit=100)
    assert (document.path, document.rows, document.zipped) == (None, 5000, True)
    assert document.size > 100
    assert _left(temporary_files) == []


async def test_a_failed_export_leaves_nothing_behind(temporary_files: Path) -> None:
    async def failing(target: BinaryIO) -> int:
        target.write(b"half")
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        await write_document("list.csv", failing)
    assert _left(temporary_files) == []
