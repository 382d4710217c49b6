"""Tables in and out: one streaming reader for the CSV and XLSX files staff bring (rosters, data-comparison
results), one streaming writer for the exports they take away, and the text decoding both share with
documents (knowledge-base notices)."""

from bot.tables.decoding import UnreadableError, decode_text
from bot.tables.reader import Cell, Meter, Row, Table, cell_text, open_table, read_rows
from bot.tables.writer import (
    CsvWriter,
    Format,
    TableWriter,
    XlsxWriter,
    csv_bytes,
    table_writer,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)

__all__ = [
    "Cell",
    "CsvWriter",
    "Format",
    "Meter",
    "Row",
    "Table",
    "TableWriter",
    "UnreadableError",
    "XlsxWriter",
    "cell_text",
    "csv_bytes",
    "decode_text",
    "open_table",
    "read_rows",
    "table_writer",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
]
