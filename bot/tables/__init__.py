"""Tables in and out: one streaming reader for the CSV and XLSX files staff bring (rosters, data-comparison
results), one streaming writer for the exports they take away, and the text decoding both share with
documents (knowledge-base notices)."""

from bot.tables.decoding import UnreadableError, decode_text
from bot.tables.reader import Cell, Row, Table, cell_text, open_table, read_rows
from bot.tables.writer import csv_bytes, write_csv, write_xlsx, xlsx_bytes

__all__ = [
    "Cell",
    "Row",
    "Table",
    "UnreadableError",
    "cell_text",
    "csv_bytes",
    "decode_text",
    "open_table",
    "read_rows",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]
