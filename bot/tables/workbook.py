"""A workbook opened for reading (openpyxl's read-only mode), its shared strings held compactly.

XLSX keeps every distinct text of a workbook in one shared-string table, which a reader needs whole to look
cells up; Excel's roster of a million retirees has two million of them (each ID number and phone number is
one). openpyxl holds the table as a list of str, and its parser keeps an empty element for each string
besides: some 190 bytes a string, 350 MB for such a file. Here the table is the strings' UTF-8 bytes end to
end with where each one ends (about 25 bytes a string), and the parser forgets each string once it is read.
Everything else is openpyxl's own reading, as `load_workbook(read_only=True, data_only=True)` does it.

Imported only when a file is a workbook: openpyxl costs memory every process would keep.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, BinaryIO, overload

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_STRING = f"{{{SHEET_MAIN_NS}}}si"


class SharedStrings(Sequence[str]):
    """A workbook's shared strings, each decoded when a cell asks for it."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8")


def read_shared_strings(source: BinaryIO) -> SharedStrings:
    """The table, as openpyxl reads it (plain and rich text alike, `_x005F_` escapes undone)."""
    table = SharedStrings()
    events = iterparse(source, events=("start", "end"))
    _, root = next(events)
    for event, node in events:
        if event == "end" and node.tag == _STRING:
            table.append(Text.from_tree(node).content.replace("x005F_", ""))
            root.clear()  # this string and every one before it: nothing of the table stays in the tree
    return table


class _Reader(ExcelReader):  # type: ignore[misc]  # openpyxl has no type information
    def read_strings(self) -> None:
        found = self.package.find(SHARED_STRINGS)
        if found is not None:
            with self.archive.open(found.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)


def open_workbook(source: BinaryIO) -> Any:
    """The workbook in `source`, read-only, cells as values (formulas' last results)."""
    reader = _Reader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb
