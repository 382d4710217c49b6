"""Files the bot writes for staff (exports), made ready to send as a Telegram document.

The file is written to a temporary file, never held in memory whole. Telegram lets a bot upload at most
50 MB (bot.actions.DOCUMENT_LIMIT_BYTES): a larger file is compressed into a ZIP archive (a CSV shrinks
to a fifth or less), and one still too large is not sent at all: the caller tells the staff member what to
do instead. The caller owns the temporary file from then on (SendDocument deletes it once sent).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bot.actions import DOCUMENT_LIMIT_BYTES


@dataclass(frozen=True, slots=True)
class Document:
    path: Path | None  # None: too large to send even compressed (the file is gone)
    filename: str
    rows: int
    size: int  # bytes, as sent (or as it would have been)
    zipped: bool = False


def _temporary(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="retiree-bot-", suffix=suffix)
    os.close(handle)
    return Path(name)


def _zip(path: Path, inner_name: str) -> Path:
    zipped = _temporary(".zip")
    try:
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            archive.write(path, inner_name)
    except BaseException:
        zipped.unlink(missing_ok=True)
        raise
    return zipped


async def _fill(path: Path, write: Callable[[BinaryIO], Awaitable[int]]) -> int:
    target = await asyncio.to_thread(path.open, "wb")
    try:
        return await write(target)
    finally:
        await asyncio.to_thread(target.close)


async def write_document(
    filename: str,
    write: Callable[[BinaryIO], Awaitable[int]],
    *,
    limit: int | None = None,
) -> Document:
    """`write` fills the file (and says how many rows it wrote); the document to send, zipped if need be
    to stay within `limit` bytes (default: Telegram's)."""
    limit = DOCUMENT_LIMIT_BYTES if limit is None else limit
    path = await asyncio.to_thread(_temporary, Path(filename).suffix)
    try:
        rows = await _fill(path, write)
        size = (await asyncio.to_thread(path.stat)).st_size
        if size <= limit:
            return Document(path, filename, rows, size)
        zipped = await asyncio.to_thread(_zip, path, filename)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    await asyncio.to_thread(path.unlink, missing_ok=True)
    size = (await asyncio.to_thread(zipped.stat)).st_size
    if size <= limit:
        return Document(zipped, f"{filename}.zip", rows, size, zipped=True)
    await asyncio.to_thread(zipped.unlink, missing_ok=True)
    return Document(None, filename, rows, size, zipped=True)
