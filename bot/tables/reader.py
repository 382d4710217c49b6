"""Rows of a CSV or XLSX file, streamed: memory stays flat whatever the file's size.

CSV in any encoding of `decoding`, its delimiter (comma, tab, semicolon or bar) sniffed from the first lines;
XLSX in openpyxl's read-only mode, first sheet, cell values as the spreadsheet stores them (numbers, dates).
Rows that hold nothing are skipped. Each row carries the line a person sees in the file (the first is 1; a
CSV row whose quoted cell spans lines counts from the line it starts on), so reports can point at it.
A `Meter` tells how far into the file the reader has got, in bytes, for a progress bar's time left.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from bot.tables.decoding import SAMPLE_BYTES, UnreadableError, detect_encoding

Cell = str | int | float | bool | date | datetime | None

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITERS = ",\t;|"


class Meter:
    """How far a reader has got through its file: `size` and `done` in bytes (read ahead by a buffer, which
    is close enough for a progress bar). Both are 0 until the file is opened."""

    __slots__ = ("_handle", "size")

    def __init__(self) -> None:
        self.size = 0
        self._handle: BinaryIO | None = None

    def watch(self, handle: BinaryIO, size: int) -> None:
        self._handle, self.size = handle, size

    @property
    def done(self) -> int:
        handle = self._handle
        if handle is None or handle.closed:
            return self.size if handle is not None else 0
        return handle.tell()


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: Sequence[Cell]

    def get(self, index: int | None) -> Cell:
        return None if index is None or index >= len(self.cells) else self.cells[index]


def cell_text(cell: Cell) -> str:
    """A cell as the text a person reads in it: no stray spaces, full-width forms folded, 12.0 as 12."""
    if type(cell) is str:
        # The common case, first: ASCII text is its own NFKC form.
        return cell.strip() if cell.isascii() else unicodedata.normalize("NFKC", cell).strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return unicodedata.normalize("NFKC", str(cell)).strip()


def read_rows(path: Path, meter: Meter | None = None) -> Generator[Row, None, None]:
    """The file's non-empty rows, read as they are consumed; `meter` follows the reader through the file.
    Raises UnreadableError, naming the line where it can."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_XLSX_MAGIC))
    except OSError as error:
        raise UnreadableError(type(error).__name__) from error
    meter = meter or Meter()
    if magic == _XLSX_MAGIC:
        rows = _xlsx_rows(path, meter)
    elif magic == _XLS_MAGIC:
        raise UnreadableError("xls: save the file as .xlsx or .csv")
    else:
        rows = _csv_rows(path, meter)
    for row in rows:
        if any(map(cell_text, row.cells)):
            yield row


def _sniff_delimiter(sample: bytes, encoding: str) -> str:
    lines = [line for line in sample.decode(encoding, errors="ignore").splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or lines too uneven to agree: the header line decides.
        counts = {delimiter: lines[0].count(delimiter) for delimiter in _DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


def _csv_rows(path: Path, meter: Meter) -> Iterator[Row]:
    with path.open("rb") as raw:
        meter.watch(raw, os.fstat(raw.fileno()).st_size)
        sample = raw.read(SAMPLE_BYTES)
        encoding = detect_encoding(sample)
        raw.seek(0)
        reader = csv.reader(_decoded_lines(raw, encoding), delimiter=_sniff_delimiter(sample, encoding))
        line = 1
        try:
            for cells in reader:
                yield Row(line, cells)
                line = reader.line_num + 1
        except csv.Error as error:
            raise UnreadableError(f"csv: line {line}: {error}") from error


def _decoded_lines(raw: BinaryIO, encoding: str) -> Iterator[str]:
    """The file's lines as text, ends kept (the csv module wants them). A byte that is not text in the
    encoding is reported with its line."""
    if encoding.startswith("utf-16"):
        # Its newline is two bytes: let the codec find the lines.
        number = 0
        with io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
            try:
                for number, line in enumerate(text, 1):  # noqa: B007 - the count is read on failure
                    yield line
            except UnicodeDecodeError as error:
                # The codec decodes ahead of the reader: the line is where the bad chunk begins.
                raise UnreadableError(f"encoding: after line {number}, not {encoding} text") from error
        return
    # In UTF-8 and GB 18030 the byte 0x0A is always a newline, never part of another character.
    for number, encoded in enumerate(raw, 1):
        try:
            yield encoded.decode(encoding)
        except UnicodeDecodeError as error:
            raise UnreadableError(f"encoding: line {number} is not {encoding} text") from error


def _xlsx_rows(path: Path, meter: Meter) -> Iterator[Row]:
    # openpyxl costs memory every process would keep; only a file that is a workbook loads it.
    from bot.tables.workbook import open_workbook

    with path.open("rb") as handle:
        # The workbook reads its (compressed) sheet through this handle: its position is the progress.
        meter.watch(handle, os.fstat(handle.fileno()).st_size)
        try:
            with warnings.catch_warnings():
                # Files from other spreadsheet programs often lack a default style; openpyxl warns and copes.
                warnings.simplefilter("ignore")
                workbook = open_workbook(handle)
        except Exception as error:  # openpyxl raises a zoo of types for damaged files
            raise UnreadableError("xlsx") from error
        try:
            sheet = workbook.worksheets[0]
            # Trust no <dimension> tag: some writers get it wrong, and openpyxl would stop reading at the
            # last row it names. Rows come as long as their last cell.
            sheet.reset_dimensions()
            for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
                yield Row(line, values)
        except Exception as error:
            raise UnreadableError("xlsx") from error
        finally:
            workbook.close()


@dataclass(slots=True)
class Table:
    """A file whose first non-empty row names the columns: `columns` maps each known field to its index,
    `rows` streams the data rows after it, `meter` tells how far into the file they have got."""

    columns: dict[str, int]
    rows: Iterator[Row]
    meter: Meter = field(default_factory=Meter)

    def missing(self, required: Sequence[str]) -> list[str]:
        return [name for name in required if name not in self.columns]


def header_key(name: Cell) -> str:
    """A column name as compared: case, width and spaces or dashes do not matter."""
    return re.sub(r"[\s\-]+", "_", cell_text(name).lower())


@contextmanager
def open_table(path: Path, aliases: Mapping[str, Sequence[str]]) -> Iterator[Table]:
    """The table in `path`, its header matched against `aliases` (field -> the names it may have; unknown
    columns are ignored, and the first of two columns for one field wins)."""
    by_key = {header_key(alias): name for name, names in aliases.items() for alias in names}
    meter = Meter()
    rows = read_rows(path, meter)
    try:
        columns: dict[str, int] = {}
        header = next(rows, None)
        for index, cell in enumerate(header.cells if header else ()):
            name = by_key.get(header_key(cell))
            if name is not None:
                columns.setdefault(name, index)
        yield Table(columns, rows, meter)
    finally:
        rows.close()
