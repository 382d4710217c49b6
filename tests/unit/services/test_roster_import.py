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
