from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.tables import Meter, Row, UnreadableError, open_table, read_rows
from bot.tables.decoding import SAMPLE_BYTES

COLUMNS = {"name": ("name", "姓名"), "id_number": ("身份证号",), "community_code": ("社区编码",)}
TEXT = "姓名,身份证号,社区编码\n王秀英,210101195003051240,C1\n"


def _file(tmp_path: Path, raw: bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
        TEXT.replace(",", "\t").encode("utf-8"),
        TEXT.replace(",", ";").encode("gbk"),
        TEXT.replace(",", "|").encode("utf-8"),
        TEXT.replace("\n", "\r\n").encode("gbk"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "gbk",
        "gb18030",
        "utf16-bom",
        "utf16le",
        "utf16be",
        "tabs",
        "semicolons-gbk",
        "bars",
        "crlf-gbk",
    ],
)
def test_every_office_encoding_and_delimiter(tmp_path: Path, raw: bytes) -> None:
    with open_table(_file(tmp_path, raw), COLUMNS) as table:
        assert table.columns == {"name": 0, "id_number": 1, "community_code": 2}
        assert list(table.rows) == [Row(2, ["王秀英", "210101195003051240", "C1"])]


def test_headers_match_loosely_and_unknown_ones_are_ignored(tmp_path: Path) -> None:
    path = _file(tmp_path, "备注, Name , 社区编码 ,姓名\nx,王,C,李\n".encode())
    with open_table(path, COLUMNS) as table:
        assert table.columns == {"name": 1, "community_code": 2}
        assert table.missing(("name", "id_number")) == ["id_number"]


def test_blank_rows_are_skipped_but_lines_keep_counting(tmp_path: Path) -> None:
    path = _file(tmp_path, "\n,,\n姓名,社区编码\n\n王,C1\n".encode())
    with open_table(path, COLUMNS) as table:
        assert list(table.rows) == [Row(5, ["王", "C1"])]


def test_a_cell_spanning_lines_counts_from_its_first_line(tmp_path: Path) -> None:
    path = _file(tmp_path, '姓名,社区编码\n"王\n秀英",C1\n李,C2\n'.encode())
    assert [row.line for row in read_rows(path)] == [1, 2, 4]


def test_a_multibyte_character_across_the_sample_border_is_still_utf8(tmp_path: Path) -> None:
    path = _file(tmp_path, b"a" * (SAMPLE_BYTES - 1) + "王,C1\n李,C2\n".encode())
    first, second = read_rows(path)
    assert (str(first.cells[0])[-1], first.cells[1], second.cells) == ("王", "C1", ["李", "C2"])


def test_a_broken_byte_far_into_a_utf8_file_names_its_line(tmp_path: Path) -> None:
    lines = "".join(f"王{n},C1\n" for n in range(20_000)).encode()
    path = _file(tmp_path, lines + b"\xff\xfe\xfd,C1\n")
    with pytest.raises(UnreadableError, match="line 20001 is not utf-8"):
        list(read_rows(path))


def test_old_excel_files_are_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UnreadableError, match=r"xls: save the file as \.xlsx or \.csv"):
        list(read_rows(_file(tmp_path, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")))


def test_a_damaged_workbook_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableError, match="xlsx"):
        list(read_rows(_file(tmp_path, b"PK\x03\x04 not really a zip", "bad.xlsx")))


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableError, match="FileNotFoundError"):
        list(read_rows(tmp_path / "nowhere.csv"))


def test_xlsx_keeps_cell_types_and_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "退休日期", "编号"])
    sheet.append([None, None, None])
    sheet.append(["王秀英", datetime(2005, 3, 5), 12])  # noqa: DTZ001 - spreadsheet cells are naive
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert list(read_rows(path)) == [
        Row(1, ("姓名", "退休日期", "编号")),
        Row(3, ("王秀英", datetime(2005, 3, 5), 12)),  # noqa: DTZ001
    ]


def test_rows_are_read_as_they_are_consumed(tmp_path: Path) -> None:
    path = _file(tmp_path, "".join(f"{n},x\n" for n in range(1000)).encode())
    rows = read_rows(path)
    assert next(rows) == Row(1, ["0", "x"])
    emptied = tmp_path / "emptied.csv"
    emptied.write_bytes(b"")
    emptied.replace(path)  # the open file keeps its content; only a reader that streams it gets further
    assert sum(1 for _ in rows) == 999


def test_utf16_that_breaks_off_is_unreadable(tmp_path: Path) -> None:
    path = _file(tmp_path, codecs.BOM_UTF16_LE + "王,C1\n".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(UnreadableError, match="not utf-16 text"):
        list(read_rows(path))


def test_a_picture_is_not_taken_for_utf16(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x00\xc8\x08\x02\x00\x00\x00"
    with pytest.raises(UnreadableError, match="not text"):
        list(read_rows(_file(tmp_path, png, "photo.csv")))


def test_the_meter_follows_a_csv_reader_through_its_file(tmp_path: Path) -> None:
    path = _file(tmp_path, "".join(f"王{n},C1\n" for n in range(100_000)).encode("gbk"))
    meter = Meter()
    rows = read_rows(path, meter)
    assert (meter.size, meter.done) == (0, 0)  # nothing opened yet
    next(rows)
    size = path.stat().st_size
    assert meter.size == size
    assert 0 < meter.done < size
    for _ in rows:
        pass
    assert meter.done == size


def test_the_meter_follows_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(20_000):
        sheet.append([f"王{n}", n])
    path = tmp_path / "big.xlsx"
    book.save(path)
    with open_table(path, {"name": ("王0",)}) as table:
        assert table.meter.size == path.stat().st_size
        seen = [table.meter.done for _ in table.rows]
    assert 0 < seen[0] <= seen[-1] <= path.stat().st_size
