"""Exports as a stream: CSV (UTF-8 with a BOM, which Excel and WPS open as UTF-8) or XLSX (openpyxl's
write-only mode), row by row into a binary file, so a district's list never sits in memory whole.

`CsvWriter` and `XlsxWriter` take rows a batch at a time (`write`), as a caller pages through a database,
and finish the file on `close`; `write_csv` and `write_xlsx` do both for rows that are already an iterable.
XLSX keeps one copy of each distinct text (the format's shared-string table) until it is closed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO, Literal, Protocol

Values = Sequence[str]
Format = Literal["csv", "xlsx"]


def _safe(cell: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: names come from a roster, not from us.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


class TableWriter(Protocol):
    def write(self, rows: Iterable[Values]) -> None:
        """Append rows to the file."""
        ...

    def close(self) -> None:
        """Finish the file (XLSX: write the workbook out); the target stays open."""
        ...


class CsvWriter:
    def __init__(self, target: BinaryIO) -> None:
        self._text = codecs.getwriter("utf-8")(target)
        self._text.write("\ufeff")
        self._writer = csv.writer(self._text)

    def write(self, rows: Iterable[Values]) -> None:
        self._writer.writerows([_safe(cell) for cell in row] for row in rows)

    def close(self) -> None:
        self._text.flush()


class XlsxWriter:
    def __init__(self, target: BinaryIO, *, sheet: str) -> None:
        # openpyxl costs memory every process would keep; only an export to XLSX loads it.
        from openpyxl import Workbook

        self._target = target
        self._book: Any = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet)

    def write(self, rows: Iterable[Values]) -> None:
        append = self._sheet.append
        for row in rows:
            # An empty cell is left out of the sheet rather than written as empty text: it looks the same,
            # and the writer (most of an XLSX export's time) has less to do.
            append([_safe(cell) if cell else None for cell in row])

    def close(self) -> None:
        self._book.save(self._target)


def table_writer(kind: Format, target: BinaryIO, *, sheet: str) -> TableWriter:
    return XlsxWriter(target, sheet=sheet) if kind == "xlsx" else CsvWriter(target)


def write_csv(rows: Iterable[Values], target: BinaryIO) -> None:
    writer = CsvWriter(target)
    writer.write(rows)
    writer.close()


def write_xlsx(rows: Iterable[Values], target: BinaryIO, *, sheet: str) -> None:
    writer = XlsxWriter(target, sheet=sheet)
    writer.write(rows)
    writer.close()


def csv_bytes(rows: Iterable[Values]) -> bytes:
    buffer = io.BytesIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: Iterable[Values], *, sheet: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, sheet=sheet)
    return buffer.getvalue()
