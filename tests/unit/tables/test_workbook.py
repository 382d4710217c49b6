"""Workbooks as Excel writes them, their texts in the shared-string table: read as openpyxl reads them,
the table held compactly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.tables import read_rows
from bot.tables.workbook import SharedStrings, read_shared_strings

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRINGS = [
    "<si><t>姓名</t></si>",
    "<si><t>王秀英</t></si>",
    # Rich text: runs of differently formatted text make one string.
    '<si><r><t>李</t></r><r><rPr><b/></rPr><t xml:space="preserve">德明 </t></r></si>',
    "<si><t>a_x005F_x0041_b</t></si>",
    "<si><t>2101010101</t></si>",
]


def _excel_like(path: Path) -> Path:
    """A workbook whose cells name shared strings (t="s"), as Excel saves one."""
    package = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>4</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>2</v></c><c r="C4"><v>12</v></c></row>'
        '<row r="5"><c r="B5" t="s"><v>3</v></c></row>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", package)
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{"".join(STRINGS)}</sst>')
    return path


def test_cells_read_their_shared_strings(tmp_path: Path) -> None:
    rows = [(row.line, list(row.cells)) for row in read_rows(_excel_like(tmp_path / "excel.xlsx"))]
    assert rows == [
        (1, ["姓名"]),
        (2, ["王秀英", "2101010101"]),
        (4, ["李德明 ", None, 12]),
        (5, [None, "a_x0041_b"]),
    ]


def test_the_table_reads_back_each_string() -> None:
    source = io.BytesIO(f'<sst xmlns="{MAIN}">{"".join(STRINGS)}</sst>'.encode())
    table = read_shared_strings(source)
    assert list(table) == ["姓名", "王秀英", "李德明 ", "a_x0041_b", "2101010101"]
    assert (len(table), table[-1], table[1:3]) == (5, "2101010101", ["王秀英", "李德明 "])
    with pytest.raises(IndexError):
        table[5]


def test_an_empty_string_keeps_its_place() -> None:
    table = SharedStrings()
    for text in ("", "甲", ""):
        table.append(text)
    assert list(table) == ["", "甲", ""]


def test_rows_beyond_a_wrong_dimension_tag_are_read(tmp_path: Path) -> None:
    """Some programs write <dimension ref="A1"/> whatever the sheet holds."""
    path = _excel_like(tmp_path / "excel.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<sheetData>", b'<dimension ref="A1"/><sheetData>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert [row.line for row in read_rows(path)] == [1, 2, 4, 5]
