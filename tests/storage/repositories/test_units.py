"""The org-unit repository contract (tests/storage/units_contract.py) on SQLite, PostgreSQL and the fake, and
what only the SQL repository shows: its own errors, and the materialised paths its tree queries match."""

from __future__ import annotations

import pytest

from bot.domain.people import UnitKind
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.errors import UnitCycle, UnknownUnitCode
from tests.storage import units_contract as contract


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


async def test_an_unknown_parent_raises_the_storage_error(database: Database) -> None:
    async with database.uow() as uow:
        with pytest.raises(UnknownUnitCode):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "missing")


async def test_a_cycle_raises_the_storage_error(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        with pytest.raises(UnitCycle):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "A")


async def test_subtree_of_unit_1_does_not_take_unit_10(database: Database) -> None:
    """Paths are delimited: "/1/" must not prefix-match "/10/"."""
    async with database.uow() as uow:
        for n in range(1, 12):
            await uow.units.upsert(f"U{n}", f"Unit {n}", UnitKind.CITY, None)
        first = await uow.units.get_by_code("U1")
        assert first is not None
        assert first.id == 1  # a fresh database: the paths "/1/" and "/10/" both exist
        assert list(await uow.units.subtree_ids(first.id)) == [first.id]
