"""Importing the org-unit tree (`import_units`): parents before children in any order, every bad row
reported and nothing imported then; on each backend where rows are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.roster_import import ImportReport, Problem, RowError, import_units
from storage.database import Database
from tests.backends import on_each_backend
from tests.fakes import FakeDatabase
from tests.unit.services.roster_import.support import COMMUNITY, SAMPLES, STREET, write_csv


@on_each_backend
async def test_sample_units_import_once_then_are_unchanged(database: Database, units: None) -> None:
    assert await import_units(SAMPLES / "units.csv", database.uow) == ImportReport(unchanged=15)
    async with database.uow() as uow:
        community = await uow.units.get_by_code(COMMUNITY)
        assert community is not None
        assert [u.code for u in await uow.units.ancestors(community.id)] == [STREET, "210101", "2101"]


@on_each_backend
async def test_units_may_list_children_before_parents(tmp_path: Path, database: Database) -> None:
    rows = [
        ["C1", "社区一", "社区", "S1"],
        ["S1", "街道一", "街道", "D1"],
        ["D1", "区一", "区", "X"],
        ["X", "市", "市", ""],
    ]
    path = write_csv(tmp_path / "u.csv", rows, ["编码", "名称", "类型", "上级编码"])
    assert await import_units(path, database.uow) == ImportReport(created=4)
    async with database.uow() as uow:
        top = await uow.units.get_by_code("X")
        assert top is not None
        assert len(await uow.units.subtree_ids(top.id)) == 4


@on_each_backend
async def test_an_updated_units_file_updates(tmp_path: Path, database: Database, units: None) -> None:
    rows = [["2101", "滨江市", "city", ""], ["210101", "东湖新区", "district", "2101"]]
    path = write_csv(tmp_path / "u.csv", rows, ["code", "name", "kind", "parent_code"])
    assert await import_units(path, database.uow) == ImportReport(updated=1, unchanged=1)
    async with database.uow() as uow:
        unit = await uow.units.get_by_code("210101")
        assert unit is not None
        assert unit.name == "东湖新区"


async def test_import_units_sorts_parents_first(tmp_path: Path) -> None:
    db = FakeDatabase()
    path = tmp_path / "u.csv"
    path.write_text("code,name,kind,parent_code\nS,s,street,D\nD,d,county,C\nC,c,city,\n", encoding="utf-8")
    assert await import_units(path, db.uow) == ImportReport(created=3)
    assert db.commits == 1


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
    path = write_csv(tmp_path / "u.csv", [GOOD_UNIT, *rows], UNIT_HEADER)
    report = await import_units(path, database.uow)
    assert report.errors == expected
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    async with database.uow() as uow:
        assert await uow.units.get_by_code("OK") is None


@on_each_backend
async def test_a_cycle_through_stored_units_is_found(tmp_path: Path, database: Database, units: None) -> None:
    """The file moves the city below one of its own communities."""
    path = write_csv(tmp_path / "u.csv", [["2101", "滨江市", "市", COMMUNITY]], UNIT_HEADER)
    report = await import_units(path, database.uow)
    assert [(e.line, e.problem) for e in report.errors] == [(2, Problem.PARENT_CYCLE)]


async def test_a_units_file_without_a_kind_column_is_refused(tmp_path: Path, database: Database) -> None:
    path = write_csv(tmp_path / "u.csv", [["A", "a"]], ["code", "name"])
    assert (await import_units(path, database.uow)).errors == [RowError(1, Problem.MISSING_COLUMN, "kind")]


async def test_an_old_xls_file_is_reported_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    report = await import_units(path, FakeDatabase().uow)
    assert report.errors == [RowError(0, Problem.UNREADABLE_FILE, "xls: save the file as .xlsx or .csv")]
