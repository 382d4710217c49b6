from __future__ import annotations

import asyncio

import pytest

from bot.domain.people import UnitKind
from bot.ports import UnitOfWork
from storage.database import Database
from storage.models import OrgUnitRow
from tests.storage.conftest import WriteLockQueue
from tests.waiting import wait_until


def _is_a_unit_of_work(uow: UnitOfWork) -> UnitOfWork:
    """mypy checks the structural match with the port here."""
    return uow


async def _unit_exists(database: Database, code: str) -> bool:
    async with database.uow() as uow:
        return await uow.units.get_by_code(code) is not None


async def test_commit_makes_changes_visible_to_the_next_unit_of_work(database: Database) -> None:
    async with _is_a_unit_of_work(database.uow()) as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        await uow.commit()
    assert await _unit_exists(database, "C")


async def test_leaving_without_commit_rolls_back(database: Database) -> None:
    async with database.uow() as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        assert await uow.units.get_by_code("C") is not None
    assert not await _unit_exists(database, "C")


async def test_an_exception_rolls_back_and_propagates(database: Database) -> None:
    async def fail_after_one_commit() -> None:
        async with database.uow() as uow:
            await uow.units.upsert("C", "City", UnitKind.CITY, None)
            await uow.commit()
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "C")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_one_commit()
    assert await _unit_exists(database, "C")
    assert not await _unit_exists(database, "D")


async def test_explicit_rollback_discards_and_the_unit_goes_on(database: Database) -> None:
    async with database.uow() as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        await uow.rollback()
        await uow.units.upsert("X", "Other", UnitKind.CITY, None)
        await uow.commit()
    assert not await _unit_exists(database, "C")
    assert await _unit_exists(database, "X")


async def test_repositories_are_unusable_outside_the_block(database: Database) -> None:
    uow = database.uow()
    with pytest.raises(RuntimeError, match="outside"):
        await uow.commit()
    async with uow:
        pass
    with pytest.raises(RuntimeError, match="outside"):
        await uow.commit()


async def test_two_units_of_work_wait_for_each_other_instead_of_failing(
    database: Database, write_lock_queue: WriteLockQueue
) -> None:
    """SQLite: all write; the write lock serialises them rather than raising 'locked'."""

    async def add(code: str) -> None:
        async with database.uow() as uow:
            await uow.units.upsert(code, code, UnitKind.CITY, None)
            # The first to write holds on until the four others are queued behind it.
            await wait_until(lambda: write_lock_queue.waiting + len(done) >= 4)
            await uow.commit()
        done.append(code)

    done: list[str] = []

    await asyncio.gather(*(add(f"C{n}") for n in range(5)))
    for n in range(5):
        assert await _unit_exists(database, f"C{n}")


async def test_plain_reads_see_changes_not_yet_flushed(database: Database, tree: dict[str, int]) -> None:
    """The repositories' prepared reads skip the ORM, but not its autoflush."""
    async with database.uow() as uow:
        row = await uow.session.get(OrgUnitRow, tree["A"])
        assert row is not None
        row.name = "Pine community"  # pending in the session, not yet sent
        unit = await uow.units.get(tree["A"])
        assert unit is not None
        assert unit.name == "Pine community"
