"""Exports as a stream: CSV (UTF-8 with a BOM, which Excel and WPS open as UTF-8) or XLSX (openpyxl's
write-only mode), row by row into a binary file, so a district's list never sits in memory whole."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from typing import BinaryIO

Values = Sequence[str]


def _safe(cell: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: names come from a roster, not from us.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def write_csv(rows: Iterable[Values], target: BinaryIO) -> None:
    text = codecs.getwriter("utf-8")(target)
    text.write("\ufeff")
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])


def write_xlsx(rows: Iterable[Values], target: BinaryIO, *, sheet: str) -> None:
    # openpyxl costs memory every process would keep; only an export to XLSX loads it.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append([_safe(cell) for cell in row])
    book.save(target)


def csv_bytes(rows: Iterable[Values]) -> bytes:
    buffer = io.BytesIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: Iterable[Values], *, sheet: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, sheet=sheet)
    return buffer.getvalue()
