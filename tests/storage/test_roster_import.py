"""The roster import against a real (SQLite) database: one transaction per file, every bad row reported."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.domain.resident_id import ResidentId
from bot.services.roster_import import ImportReport, Problem, RowError, import_roster, import_units
from storage.database import Database
from storage.models import AuditLogRow
from tests.storage.conftest import ID_HASH_KEY, SAMPLES

TODAY = date(2025, 6, 1)
COMMUNITY = "2101010101"
STREET = "21010101"
HEADER = ["姓名", "身份证号", "出生日期", "退休日期", "社区编码", "电话", "异地居住", "状态"]
ALICE = ResidentId.build("210101", date(1950, 3, 5), 124)
BOB = ResidentId.build("210102", date(1948, 11, 30), 131)


def _row(rid: ResidentId = ALICE, **changes: str) -> list[str]:
    row = {
        "姓名": "王秀英",
        "身份证号": rid.unmasked(),
        "出生日期": f"{rid.birth_date:%Y-%m-%d}",
        "退休日期": f"{rid.birth_date.year + 55}/{rid.birth_date.month}/{rid.birth_date.day}",
        "社区编码": COMMUNITY,
        "电话": "0411-5550-0001",
        "异地居住": "否",
        "状态": "正常",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def _write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


async def _roster(path: Path, database: Database) -> ImportReport:
    return await import_roster(path, database.uow, ID_HASH_KEY, today=TODAY)


async def _count(database: Database) -> int:
    async with database.uow() as uow:
        return await uow.retirees.count()


@pytest.fixture
async def units(database: Database) -> None:
    report = await import_units(SAMPLES / "units.csv", database.uow)
    assert report == ImportReport(created=15)


# ------------------------------------------------------------------------------------------------ units


async def test_sample_units_import_once_then_are_unchanged(database: Database, units: None) -> None:
    assert await import_units(SAMPLES / "units.csv", database.uow) == ImportReport(unchanged=15)
    async with database.uow() as uow:
        community = await uow.units.get_by_code(COMMUNITY)
        assert community is not None
        assert [u.code for u in await uow.units.ancestors(community.id)] == [STREET, "210101", "2101"]


async def test_units_may_list_children_before_parents(tmp_path: Path, database: Database) -> None:
    rows = [
        ["C1", "社区一", "社区", "S1"],
        ["S1", "街道一", "街道", "D1"],
        ["D1", "区一", "区", "X"],
        ["X", "市", "市", ""],
    ]
    path = _write_csv(tmp_path / "u.csv", rows, ["编码", "名称", "类型", "上级编码"])
    assert await import_units(path, database.uow) == ImportReport(created=4)
    async with database.uow() as uow:
        top = await uow.units.get_by_code("X")
        assert top is not None
        assert len(await uow.units.subtree_ids(top.id)) == 4


async def test_an_updated_units_file_updates(tmp_path: Path, database: Database, units: None) -> None:
    rows = [["2101", "滨江市", "city", ""], ["210101", "东湖新区", "district", "2101"]]
    path = _write_csv(tmp_path / "u.csv", rows, ["code", "name", "kind", "parent_code"])
    assert await import_units(path, database.uow) == ImportReport(updated=1, unchanged=1)
    async with database.uow() as uow:
        unit = await uow.units.get_by_code("210101")
        assert unit is not None
        assert unit.name == "东湖新区"


UNIT_HEADER = ["编码", "名称", "类型", "上级编码"]
GOOD_UNIT = ["OK", "fine", "市", ""]  # line 2 of every file below: must not be imported either


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["A", "", "市", ""]], [RowError(3, Problem.MISSING_VALUE, "name")]),
        ([["", "a", "市", ""]], [RowError(3, Problem.MISSING_VALUE, "code")]),
        ([["A" * 33, "a", "市", ""]], [RowError(3, Problem.TOO_LONG, "code")]),
        ([["A", "a", "省", ""]], [RowError(3, Problem.UNKNOWN_KIND, "省")]),
        ([["OK", "again", "市", ""]], [RowError(3, Problem.DUPLICATE_CODE, "2")]),
        ([["A", "a", "区", "nowhere"]], [RowError(3, Problem.UNKNOWN_PARENT, "nowhere")]),
        ([["A", "a", "区", "A"]], [RowError(3, Problem.PARENT_CYCLE, "A")]),
        (
            [["A", "a", "区", "B"], ["B", "b", "区", "A"]],
            [RowError(3, Problem.PARENT_CYCLE, "A > B"), RowError(4, Problem.PARENT_CYCLE, "B > A")],
        ),
        (
            [["B", "b", "街道", "A"], ["A", "a", "社区", "OK"]],
            [RowError(3, Problem.WRONG_PARENT_KIND, "community > street")],
        ),
        (
            [["A", "a", "区", "OK"], ["B", "b", "区", "A"]],
            [RowError(4, Problem.WRONG_PARENT_KIND, "district > district")],
        ),
    ],
)
async def test_bad_unit_rows_import_nothing(
    tmp_path: Path, database: Database, rows: list[list[str]], expected: list[RowError]
) -> None:
    path = _write_csv(tmp_path / "u.csv", [GOOD_UNIT, *rows], UNIT_HEADER)
    report = await import_units(path, database.uow)
    assert report.errors == expected
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    async with database.uow() as uow:
        assert await uow.units.get_by_code("OK") is None


async def test_a_cycle_through_stored_units_is_found(tmp_path: Path, database: Database, units: None) -> None:
    """The file moves the city below one of its own communities."""
    path = _write_csv(tmp_path / "u.csv", [["2101", "滨江市", "市", COMMUNITY]], UNIT_HEADER)
    report = await import_units(path, database.uow)
    assert [(e.line, e.problem) for e in report.errors] == [(2, Problem.PARENT_CYCLE)]


async def test_a_units_file_without_a_kind_column_is_refused(tmp_path: Path, database: Database) -> None:
    path = _write_csv(tmp_path / "u.csv", [["A", "a"]], ["code", "name"])
    assert (await import_units(path, database.uow)).errors == [RowError(1, Problem.MISSING_COLUMN, "kind")]


# ----------------------------------------------------------------------------------------------- roster


async def test_sample_roster_imports_then_reimports_unchanged(database: Database, units: None) -> None:
    assert await _roster(SAMPLES / "roster.csv", database) == ImportReport(created=30)
    assert await _roster(SAMPLES / "roster.csv", database) == ImportReport(unchanged=30)
    assert await _count(database) == 30


async def test_sample_roster_marks_the_deceased_and_those_living_elsewhere(
    database: Database, units: None
) -> None:
    await _roster(SAMPLES / "roster.csv", database)
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    async with database.uow() as uow:
        for row in rows:
            rid = ResidentId.parse(row["身份证号"], today=TODAY)
            retiree = await uow.retirees.find_by_id_hash(rid.keyed_hash(ID_HASH_KEY))
            assert retiree is not None
            assert retiree.name == row["姓名"]
            assert retiree.id_masked == rid.masked
            assert retiree.birth_date == rid.birth_date
            assert retiree.deceased is (row["状态"] == "死亡")
            assert retiree.lives_elsewhere is (row["异地居住"] == "是")
    assert sum(row["状态"] == "死亡" for row in rows) == 1
    assert sum(row["异地居住"] == "是" for row in rows) >= 2


async def test_gbk_sample(database: Database, units: None) -> None:
    raw = (SAMPLES / "roster_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert await _roster(SAMPLES / "roster_gbk.csv", database) == ImportReport(created=4)


async def test_xlsx_sample_with_date_cells(database: Database, units: None) -> None:
    assert await _roster(SAMPLES / "roster.xlsx", database) == ImportReport(created=3)


async def test_an_updated_file_updates_only_changed_rows(
    tmp_path: Path, database: Database, units: None
) -> None:
    first = _write_csv(tmp_path / "r.csv", [_row(ALICE), _row(BOB, 姓名="李德明")])
    assert await _roster(first, database) == ImportReport(created=2)
    second = _write_csv(tmp_path / "r2.csv", [_row(ALICE, 状态="死亡", 电话=""), _row(BOB, 姓名="李德明")])
    assert await _roster(second, database) == ImportReport(updated=1, unchanged=1)
    async with database.uow() as uow:
        alice = await uow.retirees.find_by_id_hash(ALICE.keyed_hash(ID_HASH_KEY))
        assert alice is not None
        assert (alice.deceased, alice.phone) == (True, None)


async def test_legacy_15_digit_number_matches_its_18_digit_form(
    tmp_path: Path, database: Database, units: None
) -> None:
    await _roster(_write_csv(tmp_path / "r.csv", [_row(ALICE)]), database)
    number = ALICE.unmasked()
    legacy = number[:6] + number[8:17]
    report = await _roster(_write_csv(tmp_path / "r2.csv", [_row(ALICE, 身份证号=legacy)]), database)
    assert report == ImportReport(unchanged=1)


async def test_one_bad_row_among_good_ones_imports_nothing(
    tmp_path: Path, database: Database, units: None
) -> None:
    bad = _row(BOB, 社区编码="nowhere")
    path = _write_csv(
        tmp_path / "r.csv", [_row(ALICE), bad, _row(ResidentId.build("210101", date(1951, 1, 1), 2))]
    )
    report = await _roster(path, database)
    assert report == ImportReport(errors=[RowError(3, Problem.UNKNOWN_COMMUNITY, "nowhere")])
    assert await _count(database) == 0


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
    path = _write_csv(tmp_path / "r.csv", [_row(BOB), _row(ALICE, **changes)])
    report = await _roster(path, database)
    assert report == ImportReport(errors=[RowError(3, problem, detail)])
    assert await _count(database) == 0


async def test_retirement_at_exactly_40_is_accepted(tmp_path: Path, database: Database, units: None) -> None:
    path = _write_csv(tmp_path / "r.csv", [_row(ALICE, 退休日期="1990-03-05")])
    assert await _roster(path, database) == ImportReport(created=1)


async def test_duplicate_ids_report_the_first_line(tmp_path: Path, database: Database, units: None) -> None:
    number = ALICE.unmasked()
    legacy = number[:6] + number[8:17]
    path = _write_csv(
        tmp_path / "r.csv", [_row(ALICE), _row(BOB), _row(ALICE, 身份证号=legacy, 姓名="又一个")]
    )
    report = await _roster(path, database)
    assert report.errors == [RowError(4, Problem.DUPLICATE_ID, "2")]


async def test_every_bad_row_is_reported_with_its_line(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = _write_csv(
        tmp_path / "r.csv",
        [_row(ALICE, 姓名=""), _row(BOB), _row(YOUNG, 退休日期="2024-01-01", 社区编码="nowhere")],
    )
    report = await _roster(path, database)
    assert report.errors == [
        RowError(2, Problem.MISSING_VALUE, "name"),
        RowError(4, Problem.RETIREMENT_TOO_YOUNG, "40"),
        RowError(4, Problem.UNKNOWN_COMMUNITY, "nowhere"),
    ]


async def test_line_numbers_count_quoted_line_breaks_and_blank_lines(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = tmp_path / "r.csv"
    good = ",".join(_row(BOB))
    bad = ",".join(_row(ALICE, 状态="?"))
    path.write_text(
        ",".join(HEADER) + '\n"王\n秀英"' + good[good.index(",") :] + "\n\n" + bad + "\n", "utf-8"
    )
    report = await _roster(path, database)
    assert report.errors == [RowError(5, Problem.BAD_STATUS, "status")]


async def test_missing_columns_are_reported_on_line_1(
    tmp_path: Path, database: Database, units: None
) -> None:
    path = _write_csv(tmp_path / "r.csv", [["王秀英", ALICE.unmasked()]], ["name", "id_number"])
    report = await _roster(path, database)
    assert report.errors == [
        RowError(1, Problem.MISSING_COLUMN, "retirement_date"),
        RowError(1, Problem.MISSING_COLUMN, "community_code"),
    ]


async def test_an_unreadable_file_is_reported(tmp_path: Path, database: Database, units: None) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    report = await _roster(path, database)
    assert [(e.line, e.problem) for e in report.errors] == [(0, Problem.UNREADABLE_FILE)]


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
    assert await _roster(path, database) == ImportReport(created=2)
    async with database.uow() as uow:
        bob = await uow.retirees.find_by_id_hash(BOB.keyed_hash(ID_HASH_KEY))
        assert bob is not None
        assert (bob.retirement_date, bob.phone, bob.lives_elsewhere) == (
            date(2008, 11, 30),
            "4115550001",
            True,
        )


async def test_the_import_is_audited_without_personal_data(database: Database, units: None) -> None:
    await _roster(SAMPLES / "roster.csv", database)
    async with database.uow() as uow:
        row = await uow.session.scalar(select(AuditLogRow).where(AuditLogRow.action == "import_roster"))
        assert row is not None
        assert (row.target, row.details) == ("roster.csv", {"created": 30, "updated": 0, "unchanged": 0})


# ------------------------------------------------------------------------- encodings and chunk borders

MANY = [ResidentId.build("210101", date(1950, 1, 1), n) for n in range(7)]


async def _chunked(path: Path, database: Database) -> ImportReport:
    """Two rows a chunk: every file below crosses chunk borders."""
    return await import_roster(path, database.uow, ID_HASH_KEY, today=TODAY, chunk=2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
async def test_each_encoding_imports_across_chunks(
    tmp_path: Path, database: Database, units: None, encoding: str
) -> None:
    path = _write_csv(tmp_path / "r.csv", [_row(rid) for rid in MANY], encoding=encoding)
    report = await import_roster(path, database.uow, ID_HASH_KEY, today=TODAY, chunk=3)
    assert report == ImportReport(created=7)
    again = await import_roster(path, database.uow, ID_HASH_KEY, today=TODAY, chunk=3)
    assert again == ImportReport(unchanged=7)


async def test_xlsx_imports_across_chunks(tmp_path: Path, database: Database, units: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for rid in MANY:
        sheet.append(_row(rid))
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    assert await _chunked(path, database) == ImportReport(created=7)


async def test_a_bad_row_in_the_last_chunk_rolls_back_every_chunk(
    tmp_path: Path, database: Database, units: None
) -> None:
    rows = [_row(rid) for rid in MANY[:6]] + [_row(MANY[6], 退休日期="2005-02-30")]
    path = _write_csv(tmp_path / "r.csv", rows)
    report = await _chunked(path, database)
    assert report == ImportReport(errors=[RowError(8, Problem.BAD_DATE, "retirement_date")])
    assert await _count(database) == 0
    # The failed import left nothing behind on the connection: the next one starts afresh.
    good = _write_csv(tmp_path / "good.csv", [_row(rid) for rid in MANY])
    assert await _chunked(good, database) == ImportReport(created=7)


async def test_an_updated_file_counts_right_across_chunks(
    tmp_path: Path, database: Database, units: None
) -> None:
    first = _write_csv(tmp_path / "r.csv", [_row(rid) for rid in MANY[:5]])
    assert await _chunked(first, database) == ImportReport(created=5)
    rows = [_row(rid) for rid in MANY]
    rows[1] = _row(MANY[1], 电话="")
    rows[4] = _row(MANY[4], 状态="死亡")
    second = _write_csv(tmp_path / "r2.csv", rows)
    report = await _chunked(second, database)
    assert report == ImportReport(created=2, updated=2, unchanged=3)
