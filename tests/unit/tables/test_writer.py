from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from bot.tables import Format, csv_bytes, table_writer, xlsx_bytes

ROWS = [["姓名", "状态"], ['=HYPERLINK("x")', "已认证"], ["王秀英", "+1"]]
DEFUSED = [["姓名", "状态"], ['\'=HYPERLINK("x")', "已认证"], ["王秀英", "'+1"]]


def test_csv_opens_in_excel_and_defuses_formulas() -> None:
    data = csv_bytes(ROWS)
    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == DEFUSED


def test_xlsx_has_the_same_cells_on_the_named_sheet() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(ROWS, sheet="名单"))).worksheets[0]
    assert sheet.title == "名单"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == DEFUSED


def test_rows_are_taken_one_at_a_time() -> None:
    taken: list[int] = []

    def rows() -> object:
        for number in range(3):
            taken.append(number)
            yield [str(number)]

    assert csv_bytes(rows()).decode("utf-8-sig").split() == ["0", "1", "2"]  # type: ignore[arg-type]
    assert taken == [0, 1, 2]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_written_a_batch_at_a_time_make_one_file(kind: Format) -> None:
    target = io.BytesIO()
    writer = table_writer(kind, target, sheet="名单")
    writer.write(ROWS[:1])
    writer.write(ROWS[1:])
    writer.write([])
    writer.close()
    if kind == "csv":
        assert list(csv.reader(io.StringIO(target.getvalue().decode("utf-8-sig")))) == DEFUSED
    else:
        sheet = load_workbook(target).worksheets[0]
        assert [[c.value for c in row] for row in sheet.iter_rows()] == DEFUSED


def test_an_empty_xlsx_cell_is_left_out() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes([["a", "", "c"]], sheet="s"))).worksheets[0]
    assert [c.value for c in sheet[1]] == ["a", None, "c"]
