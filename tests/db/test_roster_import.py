from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.services.roster_import import ImportReport, Problem, import_roster, import_units
from storage.database import Database

pytestmark = pytest.mark.postgres

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KEY = b"pg-test-key"


async def test_sample_files_import_and_reimport(pg_database: Database) -> None:
    assert await import_units(SAMPLES / "units.csv", pg_database.uow) == ImportReport(created=15)
    assert await import_roster(SAMPLES / "roster.csv", pg_database.uow, KEY) == ImportReport(created=30)
    assert await import_roster(SAMPLES / "roster_gbk.csv", pg_database.uow, KEY) == ImportReport(created=4)
    assert await import_roster(SAMPLES / "roster.xlsx", pg_database.uow, KEY) == ImportReport(created=3)
    assert await import_roster(SAMPLES / "roster.csv", pg_database.uow, KEY) == ImportReport(unchanged=30)
    async with pg_database.uow() as uow:
        assert await uow.retirees.count() == 37


async def test_a_bad_file_imports_nothing(pg_database: Database, tmp_path: Path) -> None:
    assert (await import_units(SAMPLES / "units.csv", pg_database.uow)).ok
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[5][rows[0].index("社区编码")] = "9999"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = await import_roster(path, pg_database.uow, KEY)
    assert [(e.line, e.problem) for e in report.errors] == [(6, Problem.UNKNOWN_COMMUNITY)]
    async with pg_database.uow() as uow:
        assert await uow.retirees.count() == 0


def _roster(path: Path, rows: list[list[str]]) -> Path:
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _sample_rows() -> list[list[str]]:
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


async def test_chunk_borders_counts_and_rollback_on_postgres(pg_database: Database, tmp_path: Path) -> None:
    """The COPY and INSERT ... ON CONFLICT path, three rows a chunk: counts right over chunks, an ID number
    twice (in one chunk and across chunks) named on both lines, a bad row in the last chunk rolling back
    every chunk written before it."""
    assert (await import_units(SAMPLES / "units.csv", pg_database.uow)).ok
    rows = _sample_rows()
    first = await import_roster(_roster(tmp_path / "a.csv", rows[:10]), pg_database.uow, KEY, chunk=3)
    assert first == ImportReport(created=10)
    changed = [list(row) for row in rows[:14]]
    changed[4][0] = changed[4][0] + "改"
    report = await import_roster(_roster(tmp_path / "b.csv", changed), pg_database.uow, KEY, chunk=3)
    assert report == ImportReport(created=4, updated=1, unchanged=9)

    # Chunks of lines 2-4 and 5-7: line 4 repeats line 2 within a chunk, line 7 line 3 across chunks.
    twice = [rows[14], rows[15], rows[14], rows[16], rows[17], rows[15]]
    report = await import_roster(_roster(tmp_path / "c.csv", twice), pg_database.uow, KEY, chunk=3)
    assert [(e.line, e.problem, e.detail) for e in report.errors] == [
        (4, Problem.DUPLICATE_ID, "2"),
        (7, Problem.DUPLICATE_ID, "3"),
    ]
    bad = [list(row) for row in rows[14:21]]
    bad[-1][4] = "9999"  # the community code of the last row, in the last chunk
    report = await import_roster(_roster(tmp_path / "d.csv", bad), pg_database.uow, KEY, chunk=3)
    assert [(e.line, e.problem) for e in report.errors] == [(8, Problem.UNKNOWN_COMMUNITY)]
    async with pg_database.uow() as uow:
        assert await uow.retirees.count() == 14
