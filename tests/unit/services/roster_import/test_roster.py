"""Importing the retiree roster (`import_roster`): one transaction per file, every bad row reported
with its line; on each backend where rows are written, and over the fakes."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.domain.resident_id import ResidentId
from bot.services.roster_import import ImportReport, Problem, RowError, import_roster
from storage.database import Database
from storage.models import AuditLogRow
from tests.backends import on_each_backend
from tests.fakes import FakeDatabase
from tests.unit.services.roster_import.support import (
    ALICE,
    BOB,
    COMMUNITY,
    HEADER,
    KEY,
    SAMPLES,
    STREET,
    TODAY,
    fake_city,
    import_file,
    retirees,
    row,
    write_csv,
)


@on_each_backend
async def test_the_sample_rosters_import_once_then_are_unchanged(database: Database, units: None) -> None:
    """UTF-8, GBK and XLSX (with date cells), each file with retirees of its own."""
    with pytest.raises(UnicodeDecodeError):
        (SAMPLES / "roster_gbk.csv").read_bytes().decode("utf-8")
    assert await import_file(SAMPLES / "roster.csv", database) == ImportReport(created=30)
    assert await import_file(SAMPLES / "roster_gbk.csv", database) == ImportReport(created=4)
    assert await import_file(SAMPLES / "roster.xlsx", database) == ImportReport(created=3)
    assert await import_file(SAMPLES / "roster.csv", database) == ImportReport(unchanged=30)
    assert await retirees(database) == 37


@on_each_backend
async def test_sample_roster_marks_the_deceased_and_those_living_elsewhere(
    database: Database, units: None
) -> None:
    await import_file(SAMPLES / "roster.csv", database)
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    async with database.uow() as uow:
        for row in rows:
            rid = ResidentId.parse(row["身份证号"], today=TODAY)
            retiree = await uow.retirees.find_by_id_hash(rid.keyed_hash(KEY))
            assert retiree is not None
            assert retiree.name == row["姓名"]
            assert retiree.id_masked == rid.masked
            assert retiree.birth_date == rid.birth_date
            assert retiree.deceased is (row["状态"] == "死亡")
            assert retiree.lives_elsewhere is (row["异地居住"] == "是")
    assert sum(row["状态"] == "死亡" for row in rows) == 1
    assert sum(row["异地居住"] == "是" for row in rows) >= 2


@on_each_backend
async def test_an_updated_file_updates_only_changed_rows(
    tmp_path: Path, database: Database, units: None
) -> None:
    first = write_csv(tmp_path / "r.csv", [row(ALICE), row(BOB, 姓名="李德明")])
    assert await import_file(first, database) == ImportReport(created=2)
    second = write_csv(tmp_path / "r2.csv", [row(ALICE, 状态="死亡", 电话=""), row(BOB, 姓名="李德明")])
    assert await import_file(second, database) == ImportReport(updated=1, unchanged=1)
    async with database.uow() as uow:
        alice = await uow.retirees.find_by_id_hash(ALICE.keyed_hash(KEY))
        assert alice is not None
        assert (alice.deceased, alice.phone) == (True, None)


@on_each_backend
async def test_legacy_15_digit_number_matches_its_18_digit_form(
    tmp_path: Path, database: Database, units: None
) -> None:
    await import_file(write_csv(tmp_path / "r.csv", [row(ALICE)]), database)
    number = ALICE.unmasked()
    legacy = number[:6] + number[8:17]
    report = await import_file(write_csv(tmp_path / "r2.csv", [row(ALICE, 身份证号=legacy)]), database)
    assert report == ImportReport(unchanged=1)


@on_each_backend
async def test_one_bad_row_among_good_ones_imports_nothing(
    tmp_path: Path, database: Database, units: None
) -> None:
    bad = row(BOB, 社区编码="nowhere")
    path = write_csv(
        tmp_path / "r.csv", [row(ALICE), bad, row(ResidentId.build("210101", date(1951, 1, 1), 2))]
    )
    report = await import_file(path, database)
    assert report == ImportReport(errors=[RowError(3, Problem.UNKNOWN_COMMUNITY, "nowhere")])
    assert await retirees(database) == 0


def _with_wrong_check_digit(rid: ResidentId) -> str:
    number = rid.unmasked()
    return number[:17] + ("0" if number[17] != "0" else "1")


YOUNG = ResidentId.build("210101", date(1990, 1, 1), 5)


@pytest.mark.parametrize(
    ("changes", "problem", "detail"),
    [
        ({"姓名": ""}, Problem.MISSING_VALUE, "name"),
        ({"姓名": "名" * 101}, Problem.TOO_LONG, "name"),
        ({"身份证号": ""}, Problem.MISSING_VALUE, "id_number"),
        ({"身份证号": "2101"}, Problem.ID_LENGTH, ""),
        ({"身份证号": "21010119500305A24X"}, Problem.ID_CHARACTERS, ""),
        ({"身份证号": _with_wrong_check_digit(ALICE)}, Problem.ID_CHECK_DIGIT, ""),
        ({"身份证号": "210101501305124"}, Problem.ID_BIRTH_DATE, ""),
        ({"出生日期": "1950-03-06"}, Problem.BIRTH_DATE_MISMATCH, ""),
        ({"出生日期": "soon"}, Problem.BAD_DATE, "birth_date"),
        ({"退休日期": "2005-02-30"}, Problem.BAD_DATE, "retirement_date"),
        ({"退休日期": ""}, Problem.MISSING_VALUE, "retirement_date"),
        ({"退休日期": "2025-06-02"}, Problem.DATE_IN_FUTURE, "retirement_date"),
        ({"退休日期": "1949-01-01"}, Problem.RETIREMENT_BEFORE_BIRTH, ""),
        ({"退休日期": "1990-03-04"}, Problem.RETIREMENT_TOO_YOUNG, "40"),
        ({"社区编码": ""}, Problem.MISSING_VALUE, "community_code"),
        ({"社区编码": "nowhere"}, Problem.UNKNOWN_COMMUNITY, "nowhere"),
        ({"社区编码": STREET}, Problem.NOT_A_COMMUNITY, STREET),
        ({"电话": "call me"}, Problem.BAD_PHONE, ""),
        ({"异地居住": "maybe"}, Problem.BAD_YES_NO, "lives_elsewhere"),
        ({"状态": "retired"}, Problem.BAD_STATUS, "status"),
    ],
)
async def test_each_bad_row_reason(
    tmp_path: Path, database: Database, units: None, changes: dict[str, str], problem: Problem, detail: str
) -> None:
    path = write_csv(tmp_path / "r.csv", [row(BOB), row(ALICE, **changes)])
    report = await import_file(path, database)
    assert report == ImportReport(errors=[RowError(3, problem, detail)])
    assert await retirees(database) == 0


async def test_retirement_at_exactly_40_is_accepted(tmp_path: Path, database: Database, units: None) -> None:
    path = write_csv(tmp_path / "r.csv", [row(ALICE, 退休日期="1990-03-05")])
    assert await import_file(path, database) == ImportReport(created=1)


@on_each_backend
async def test_duplicate_ids_report_the_first_line(tmp_path: Path, database: Database, units: None) -> None:
    number = ALICE.unmasked()
    legacy = number[:6] + number[8:17]
    path = write_csv(tmp_path / "r.csv", [row(ALICE), row(BOB), row(ALICE, 身份证号=legacy, 姓名="又一个")])
    report = await import_file(path, database)
    assert report.errors == [RowError(4, Problem.DUPLICATE_ID, "2")]


async def test_every_bad_row_is_reported_with_its_line(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [row(ALICE, 姓名=""), row(BOB), row(YOUNG, 退休日期="2024-01-01", 社区编码="nowhere")],
    )
    report = await import_file(path, database)
    assert report.errors == [
        RowError(2, Problem.MISSING_VALUE, "name"),
        RowError(4, Problem.RETIREMENT_TOO_YOUNG, "40"),
        RowError(4, Problem.UNKNOWN_COMMUNITY, "nowhere"),
    ]


async def test_line_numbers_count_quoted_line_breaks_and_blank_lines(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = tmp_path / "r.csv"
    good = ",".join(row(BOB))
    bad = ",".join(row(ALICE, 状态="?"))
    path.write_text(
        ",".join(HEADER) + '\n"王\n秀英"' + good[good.index(",") :] + "\n\n" + bad + "\n", "utf-8"
    )
    report = await import_file(path, database)
    assert report.errors == [RowError(5, Problem.BAD_STATUS, "status")]


async def test_missing_columns_are_reported_on_line_1(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = write_csv(tmp_path / "r.csv", [["王秀英", ALICE.unmasked()]], ["name", "id_number"])
    report = await import_file(path, database)
    assert report.errors == [
        RowError(1, Problem.MISSING_COLUMN, "retirement_date"),
        RowError(1, Problem.MISSING_COLUMN, "community_code"),
    ]


async def test_an_unreadable_file_is_reported(tmp_path: Path, database: Database, units: None) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    report = await import_file(path, database)
    assert [(e.line, e.problem) for e in report.errors] == [(0, Problem.UNREADABLE_FILE)]


@on_each_backend
async def test_xlsx_with_numbers_and_datetimes(tmp_path: Path, database: Database, units: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "ID Number", "Retirement Date", "Community Code", "Phone", "Lives Elsewhere"])
    born = BOB.birth_date
    sheet.append(
        [
            "李德明",
            BOB.unmasked(),
            # Spreadsheet cells hold naive datetimes: Excel has no time zones.
            datetime(born.year + 60, born.month, born.day),  # noqa: DTZ001
            int(COMMUNITY),
            4115550001,
            1,
        ]
    )
    sheet.append(["王秀英", ALICE.unmasked(), 20050305, int(COMMUNITY), None, "否"])
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    assert await import_file(path, database) == ImportReport(created=2)
    async with database.uow() as uow:
        bob = await uow.retirees.find_by_id_hash(BOB.keyed_hash(KEY))
        assert bob is not None
        assert (bob.retirement_date, bob.phone, bob.lives_elsewhere) == (
            date(2008, 11, 30),
            "4115550001",
            True,
        )


@on_each_backend
async def test_the_import_is_audited_without_personal_data(database: Database, units: None) -> None:
    await import_file(SAMPLES / "roster.csv", database)
    async with database.uow() as uow:
        audit = await uow.session.scalar(select(AuditLogRow).where(AuditLogRow.action == "import_roster"))
        assert audit is not None
        assert (audit.target, audit.details) == ("roster.csv", {"created": 30, "updated": 0, "unchanged": 0})


# A roster of one retiree in community C1 of the fake city (support.fake_city).
TEXT = f"姓名,身份证号,退休日期,社区编码\n王秀英,{ALICE.unmasked()},2005-03-05,C1\n"


async def test_import_roster_over_the_ports_only(tmp_path: Path) -> None:
    db = fake_city()
    path = tmp_path / "r.csv"
    path.write_text(TEXT, encoding="utf-8")
    assert await import_roster(path, db.uow, KEY, today=TODAY) == ImportReport(created=1)
    assert db.commits == 1
    assert await import_roster(path, db.uow, KEY, today=TODAY) == ImportReport(unchanged=1)


async def test_a_failed_roster_import_does_not_commit(tmp_path: Path) -> None:
    db = fake_city()
    path = tmp_path / "r.csv"
    path.write_text(TEXT.replace("C1", "C2"), encoding="utf-8")
    report = await import_roster(path, db.uow, KEY, today=TODAY)
    assert report.errors == [RowError(2, Problem.UNKNOWN_COMMUNITY, "C2")]
    assert db.commits == 0


async def test_import_roster_needs_a_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="key"):
        await import_roster(tmp_path / "r.csv", FakeDatabase().uow, b"")
