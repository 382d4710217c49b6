"""Roster import without a database: dates, and the service over fakes (reading files: tests/unit/tables)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.domain.people import UnitKind
from bot.domain.resident_id import ResidentId
from bot.services.roster_import import (
    ImportReport,
    Problem,
    RowError,
    RowErrors,
    import_roster,
    import_units,
    parse_date,
)
from tests.fakes import FakeDatabase

TODAY = date(2025, 6, 1)
KEY = b"unit-test-key"
RID = ResidentId.build("210101", date(1950, 3, 5), 124)
TEXT = "姓名,身份证号,退休日期,社区编码\n王秀英,210101195003051240,2005-03-05,C1\n"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-3-5", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.03.05", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024 年 3 月 5 日", date(2024, 3, 5)),
        ("２０２４年３月５日", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),  # an Excel serial number that lost its date format
        (45356.0, date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),
        (20240305, date(2024, 3, 5)),
        (datetime(2024, 3, 5, 0, 0), date(2024, 3, 5)),  # noqa: DTZ001 - spreadsheet cells are naive
        (date(2024, 3, 5), date(2024, 3, 5)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date_accepts_the_usual_spellings(
    cell: str | float | date | None, expected: date | None
) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell", ["2024-02-30", "2024年13月1日", "March 5", "5/3/2024", "20241305", True, "0"]
)
def test_parse_date_rejects_non_dates(cell: str | bool) -> None:
    with pytest.raises(ValueError, match=r"date|month|day|range"):
        parse_date(cell)


def _fake_tree() -> FakeDatabase:
    db = FakeDatabase()
    city = db.add_unit("2101", "滨江市", UnitKind.CITY)
    district = db.add_unit("210101", "东湖区", UnitKind.DISTRICT, city.id)
    street = db.add_unit("21010101", "春晖街道", UnitKind.STREET, district.id)
    db.add_unit("C1", "杏花社区", UnitKind.COMMUNITY, street.id)
    return db


async def test_import_roster_over_the_ports_only(tmp_path: Path) -> None:
    db = _fake_tree()
    path = tmp_path / "r.csv"
    path.write_text(TEXT.replace("210101195003051240", RID.unmasked()), encoding="utf-8")
    assert await import_roster(path, db.uow, KEY, today=TODAY) == ImportReport(created=1)
    assert db.commits == 1
    assert await import_roster(path, db.uow, KEY, today=TODAY) == ImportReport(unchanged=1)


async def test_a_failed_roster_import_does_not_commit(tmp_path: Path) -> None:
    db = _fake_tree()
    path = tmp_path / "r.csv"
    path.write_text(TEXT.replace("C1", "C2").replace("210101195003051240", RID.unmasked()), encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY)
    assert report.errors == [RowError(2, Problem.UNKNOWN_COMMUNITY, "C2")]
    assert db.commits == 0


async def test_import_roster_needs_a_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="key"):
        await import_roster(tmp_path / "r.csv", FakeDatabase().uow, b"")


async def test_import_units_sorts_parents_first(tmp_path: Path) -> None:
    db = FakeDatabase()
    path = tmp_path / "u.csv"
    path.write_text("code,name,kind,parent_code\nS,s,street,D\nD,d,county,C\nC,c,city,\n", encoding="utf-8")
    assert await import_units(path, db.uow) == ImportReport(created=3)
    assert db.commits == 1


async def test_an_old_xls_file_is_reported_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    report = await import_units(path, FakeDatabase().uow)
    assert report.errors == [RowError(0, Problem.UNREADABLE_FILE, "xls: save the file as .xlsx or .csv")]


def test_row_errors_read_well_in_a_terminal() -> None:
    assert str(RowError(3, Problem.UNKNOWN_COMMUNITY, "C9")) == "line 3: unknown_community (C9)"
    assert str(RowError(0, Problem.UNREADABLE_FILE)) == "file: unreadable_file"


# --------------------------------------------------------------------------- chunks, counts and progress


def _roster_text(count: int, *, bad_line: int | None = None, start: int = 0) -> str:
    """A roster of `count` retirees (lines 2 onwards); `bad_line` names an unknown community."""
    rows = ["姓名,身份证号,退休日期,社区编码"]
    for n in range(start, start + count):
        number = ResidentId.build("210101", date(1950, 1, 1), n).unmasked()
        community = "C9" if n - start + 2 == bad_line else "C1"
        rows.append(f"人{n},{number},2005-01-01,{community}")
    return "\n".join(rows) + "\n"


async def test_a_bad_row_in_the_last_chunk_rolls_back_every_chunk_before_it(tmp_path: Path) -> None:
    db = _fake_tree()
    path = tmp_path / "r.csv"
    path.write_text(_roster_text(9, bad_line=10), encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=2)
    assert report.errors == [RowError(10, Problem.UNKNOWN_COMMUNITY, "C9")]
    assert (db.commits, db.state.retirees) == (0, {})


async def test_every_wrong_row_is_reported_however_far_into_the_file(tmp_path: Path) -> None:
    db = _fake_tree()
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
    db = _fake_tree()
    lines = _roster_text(5).splitlines()
    path = tmp_path / "r.csv"
    path.write_text("\n".join([*lines, lines[2].replace("人1", "又一个")]) + "\n", encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY, chunk=2)
    assert report.errors == [RowError(7, Problem.DUPLICATE_ID, "3")]
    assert db.commits == 0


async def test_counts_add_up_over_chunks(tmp_path: Path) -> None:
    db = _fake_tree()
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
    assert (await import_roster(path, _fake_tree().uow, KEY, today=TODAY, chunk=4, progress=progress)).ok
    size = path.stat().st_size
    assert progress.stages[0] == ("importing r.csv", size)
    assert [rows for rows, _ in progress.updates] == [4, 8, 10]
    assert progress.updates[-1] == (10, size)
    assert all(0 < done <= size for _, done in progress.updates if done is not None)


def test_row_errors_are_kept_compact_and_read_back_as_they_were() -> None:
    errors = [
        RowError(2, Problem.UNKNOWN_COMMUNITY, "2101010101"),
        RowError(3, Problem.UNKNOWN_COMMUNITY, "0101"),
        RowError(3, Problem.TOO_LONG, "9" * 40),
        RowError(4, Problem.ID_CHECK_DIGIT),
        RowError(70_000, Problem.DUPLICATE_ID, "12"),
    ]
    kept = RowErrors(errors)
    assert kept == errors
    assert list(kept) == errors
    assert (len(kept), kept[-1], kept[1:3]) == (5, errors[-1], errors[1:3])
    assert kept.merged([RowError(3, Problem.DUPLICATE_ID, "2"), RowError(9, Problem.DUPLICATE_ID, "4")]) == [
        *errors[:3],
        RowError(3, Problem.DUPLICATE_ID, "2"),
        errors[3],
        RowError(9, Problem.DUPLICATE_ID, "4"),
        errors[4],
    ]
