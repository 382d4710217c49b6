"""No plain resident ID number reaches the database file, its WAL or shared memory: only keyed hashes."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from bot.domain.resident_id import ResidentId
from bot.services.roster_import import ImportReport, import_roster, import_units
from storage.database import Database
from tests.storage.conftest import ID_HASH_KEY, SAMPLES


def _sample_numbers() -> list[str]:
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [ResidentId.parse(row["身份证号"]).unmasked() for row in csv.DictReader(handle)]


def _forms(number: str) -> list[bytes]:
    """Every way a careless implementation might have kept the number."""
    digits = number.replace("X", "0")
    forms = [
        number.encode("ascii"),
        number.lower().encode("ascii"),
        number[4:14].encode("ascii"),  # the part the masked form hides
        number[:6].encode("ascii") + number[8:17].encode("ascii"),  # the legacy 15-digit form
        number.encode("utf-16-le"),
        number.encode("utf-16-be"),
        hashlib.sha256(number.encode()).hexdigest().encode(),
        hashlib.sha256(number.encode()).digest(),
        hashlib.md5(number.encode()).hexdigest().encode(),
    ]
    return [*forms, int(digits).to_bytes(8, "big"), int(digits).to_bytes(8, "little")]


def _database_files(sqlite_path: Path) -> dict[str, bytes]:
    """The database file with its -wal and -shm companions, by suffix."""
    return {
        path.name.removeprefix(sqlite_path.name): path.read_bytes()
        for path in sqlite_path.parent.glob(sqlite_path.name + "*")
    }


def _leaks(blob: bytes, numbers: list[str]) -> list[str]:
    return [f"{n[:4]}…#{i}" for n in numbers for i, form in enumerate(_forms(n)) if form in blob]


async def test_no_plain_id_number_is_stored(sqlite_path: Path, sqlite_url: str) -> None:
    numbers = _sample_numbers()
    assert len(numbers) == 30
    database = Database.from_url(sqlite_url)
    try:
        assert (await import_units(SAMPLES / "units.csv", database.uow)).ok
        assert await import_roster(SAMPLES / "roster.csv", database.uow, ID_HASH_KEY) == ImportReport(
            created=30
        )
        # While the engine is open, recent pages live in the WAL: read it before it is checkpointed away.
        files = _database_files(sqlite_path)
        assert "-wal" in files
        assert _leaks(b"".join(files.values()), numbers) == []
    finally:
        await database.dispose()
    assert _leaks(b"".join(_database_files(sqlite_path).values()), numbers) == []


def test_the_check_can_find_a_leak() -> None:
    """The search above is not blind: a number written in any of the forms is found."""
    number = _sample_numbers()[0]
    for form in _forms(number):
        assert _leaks(b"..." + form + b"...", [number]) != []
