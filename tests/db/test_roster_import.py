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
