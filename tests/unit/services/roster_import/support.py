"""Shared pieces of the import tests: the sample files, rosters written row by row, and the fake city the
tests over the fakes import into."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from bot.domain.people import UnitKind
from bot.domain.resident_id import ResidentId
from bot.services.roster_import import ImportReport, import_roster
from bot.services.roster_import.roster import CHUNK
from storage.database import Database
from tests.fakes import FakeDatabase

SAMPLES = Path(__file__).resolve().parents[4] / "samples"
KEY = b"test-id-hash-key"
TODAY = date(2025, 6, 1)

# A community of the sample city (samples/units.csv), and the street above it.
COMMUNITY = "2101010101"
STREET = "21010101"

HEADER = ["姓名", "身份证号", "出生日期", "退休日期", "社区编码", "电话", "异地居住", "状态"]
ALICE = ResidentId.build("210101", date(1950, 3, 5), 124)
BOB = ResidentId.build("210102", date(1948, 11, 30), 131)
MANY = [ResidentId.build("210101", date(1950, 1, 1), n) for n in range(7)]


def row(rid: ResidentId = ALICE, **changes: str) -> list[str]:
    """A good row of the retiree with ID number `rid` in COMMUNITY, but for `changes` (column: value)."""
    values = {
        "姓名": "王秀英",
        "身份证号": rid.unmasked(),
        "出生日期": f"{rid.birth_date:%Y-%m-%d}",
        "退休日期": f"{rid.birth_date.year + 55}/{rid.birth_date.month}/{rid.birth_date.day}",
        "社区编码": COMMUNITY,
        "电话": "0411-5550-0001",
        "异地居住": "否",
        "状态": "正常",
    }
    values.update(changes)
    return [values[column] for column in HEADER]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


async def import_file(path: Path, database: Database, chunk: int = CHUNK) -> ImportReport:
    """`path` imported as a roster into `database`, `chunk` rows at a time."""
    return await import_roster(path, database.uow, KEY, today=TODAY, chunk=chunk)


async def retirees(database: Database) -> int:
    async with database.uow() as uow:
        return await uow.retirees.count()


def fake_city() -> FakeDatabase:
    """The fakes, holding city 2101 > district 210101 > street 21010101 > community C1."""
    db = FakeDatabase()
    city = db.add_unit("2101", "滨江市", UnitKind.CITY)
    district = db.add_unit("210101", "东湖区", UnitKind.DISTRICT, city.id)
    street = db.add_unit("21010101", "春晖街道", UnitKind.STREET, district.id)
    db.add_unit("C1", "杏花社区", UnitKind.COMMUNITY, street.id)
    return db
