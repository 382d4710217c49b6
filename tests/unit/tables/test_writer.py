from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.tables import csv_bytes, xlsx_bytes

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
