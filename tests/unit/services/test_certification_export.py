from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.services.certification_export import to_csv, to_xlsx

ROWS = [["姓名", "状态"], ['=HYPERLINK("x")', "已认证"], ["王秀英", "+1"]]


def test_csv_opens_in_excel_and_defuses_formulas() -> None:
    data = to_csv(ROWS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "状态"], ['\'=HYPERLINK("x")', "已认证"], ["王秀英", "'+1"]]


def test_xlsx_has_the_same_cells() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(ROWS))).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["姓名", "状态"],
        ['\'=HYPERLINK("x")', "已认证"],
        ["王秀英", "'+1"],
    ]
