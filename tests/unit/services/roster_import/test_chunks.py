"""A roster imported a chunk at a time: counts right over chunk borders, a bad row in any chunk rolling
back every chunk before it, every wrong row reported however far into the file, and progress told as it
goes; on each backend where rows are written, and over the fakes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain.resident_id import ResidentId
from bot.services.roster_import import ImportReport, Problem, RowError, import_roster
from storage.database import Database
from tests.backends import on_each_backend
from tests.unit.services.roster_import.support import (
    HEADER,
    KEY,
    MANY,
    TODAY,
    fake_city,
    import_file,
    retirees,
    row,
    write_csv,
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
async def test_each_encoding_imports_across_chunks(
    tmp_path: Path, database: Database, units: None, encoding: str
) -> None:
    path = write_csv(tmp_path / "r.csv", [row(rid) for rid in MANY], encoding=encoding)
    report = await import_file(path, database, chunk=3)
    assert report == ImportReport(created=7)
    again = await import_file(path, database, chunk=3)
    assert again == ImportReport(unchanged=7)


async def test_xlsx_imports_across_chunks(tmp_path: Path, database: Database, units: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for rid in MANY:
        sheet.append(row(rid))
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    assert await import_file(path, database, chunk=2) == ImportReport(created=7)


@on_each_backend
async def test_an_updated_file_counts_right_across_chunks(
    tmp_path: Path, database: Database, units: None
) -> None:
    first = write_csv(tmp_path / "r.csv", [row(rid) for rid in MANY[:5]])
    assert await import_file(first, database, chunk=2) == ImportReport(created=5)
    rows = [row(rid) for rid in MANY]
    rows[1] = row(MANY[1], 电话="")
    rows[4] = row(MANY[4], 状态="死亡")
    second = write_csv(tmp_path / "r2.csv", rows)
    report = await import_file(second, database, chunk=2)
    assert report == ImportReport(created=2, updated=2, unchanged=3)


@on_each_backend
async def test_a_bad_row_in_the_last_chunk_rolls_back_every_chunk(
    tmp_path: Path, database: Database, units: None
) -> None:
    rows = [row(rid) for rid in MANY[:6]] + [row(MANY[6], 退休日期="2005-02-30")]
    path = write_csv(tmp_path / "r.csv", rows)
    report = await import_file(path, database, chunk=2)
    assert report == ImportReport(errors=[RowError(8, Problem.BAD_DATE, "retirement_date")])
    assert await retirees(database) == 0
    # The failed import left nothing behind on the connection: the next one starts afresh.
    good = write_csv(tmp_path / "good.csv", [row(rid) for rid in MANY])
    assert await import_file(good, database, chunk=2) == ImportReport(created=7)


@on_each_backend
async def test_an_id_number_twice_names_its_first_line_within_a_chunk_and_across_chunks(
    tmp_path: Path, database: Database, units: None
) -> None:
    # Chunks of lines 2-4 and 5-7: line 4 repeats line 2 within a chunk, line 7 line 3 across chunks.
    twice = [row(rid) for rid in (MANY[0], MANY[1], MANY[0], MANY[2], MANY[3], MANY[1])]
    report = await import_file(write_csv(tmp_path / "r.csv", twice), database, chunk=3)
    assert report.errors == [RowError(4, Problem.DUPLICATE_ID, "2"), RowError(7, Problem.DUPLICATE_ID, "3")]
    assert await retirees(database) == 0


# --------------------------------------------------------------------------------------- over the fakes


def _roster_text(count: int, *, bad_line: int | None = None, start: int = 0) -> str:
    """A roster of `count` retirees of the fake city (lines 2 onwards); `bad_line` names an unknown
    community."""
    rows = ["姓名,身份证号,退休日期,社区编码"]
    for n in range(start, start + count):
        number = ResidentId.build("210101", date(1950, 1, 1), n).unmasked()
        community = "C9" if n - start + 2 == bad_line else "C1"
        rows.append(f"人{n},{number},2005-01-01,{community}")
    return "\n".join(rows) + "\n"


async def test_a_bad_row_in_the_last_chunk_rolls_back_every_chunk_before_it(tmp_path: Path) -> None:
    db = fake_city()
    path = tmp_path / "r.csv"
    path.write_text(_roster_text(9, bad_line=10), encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=2)
    assert report.errors == [RowError(10, Problem.UNKNOWN_COMMUNITY, "C9")]
    assert (db.commits, db.state.retirees) == (0, {})


async def test_every_wrong_row_is_reported_however_far_into_the_file(tmp_path: Path) -> None:
    db = fake_city()
    text = _roster_text(600, bad_line=3).splitlines()
    text[-1] = text[-1].replace("2005-01-01", "2005-02-30")
    path = tmp_path / "r.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=50)
    assert report.errors == [
        RowError(3, Problem.UNKNOWN_COMMUNITY, "C9"),
        RowError(601, Problem.BAD_DATE, "retirement_date"),
    ]
    assert db.commits == 0


async def test_an_id_number_twice_in_different_chunks_names_both_lines(tmp_path: Path) -> None:
    db = fake_city()
    lines = _roster_text(5).splitlines()
    path = tmp_path / "r.csv"
    path.write_text("\n".join([*lines, lines[2].replace("人1", "又一个")]) + "\n", encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=2)
    assert report.errors == [RowError(7, Problem.DUPLICATE_ID, "3")]
    assert db.commits == 0


async def test_counts_add_up_over_chunks(tmp_path: Path) -> None:
    db = fake_city()
    path = tmp_path / "r.csv"
    path.write_text(_roster_text(7), encoding="utf-8")
    assert await import_roster(path, db.uow, KEY, today=TODAY, chunk=3) == ImportReport(created=7)
    assert await import_roster(path, db.uow, KEY, today=TODAY, chunk=3) == ImportReport(unchanged=7)
    changed = _roster_text(7).replace("人1,", "人一,").replace("人5,", "人五,")
    path.write_text(changed + _roster_text(2, start=100).split("\n", 1)[1], encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=3)
    assert report == ImportReport(created=2, updated=2, unchanged=5)
    assert len(db.state.retirees) == 9


class RecordingProgress:
    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.updates: list[tuple[int, int | None]] = []

    def stage(self, description: str, total: int | None = None, unit: str = "rows") -> None:
        self.stages.append((description, total))

    def update(self, rows: int, completed: int | None = None) -> None:
        self.updates.append((rows, completed))


async def test_progress_is_told_a_chunk_at_a_time_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(_roster_text(10), encoding="utf-8")
    progress = RecordingProgress()
    assert (await import_roster(path, fake_city().uow, KEY, today=TODAY, chunk=4, progress=progress)).ok
    size = path.stat().st_size
    assert progress.stages[0] == ("importing r.csv", size)
    assert [rows for rows, _ in progress.updates] == [4, 8, 10]
    assert progress.updates[-1] == (10, size)
    assert all(0 < done <= size for _, done in progress.updates if done is not None)
