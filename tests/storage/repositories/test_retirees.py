"""The retiree repository: each retiree kept once by the keyed hash of the ID number, on each backend; and
the set-based roster writes, on every store."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.domain.people import RetireeRecord
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.errors import UnknownUnitCode
from tests.backends import on_each_backend
from tests.storage import roster_contract

RECORD = RetireeRecord(
    name="王秀英",
    id_hash="a" * 64,
    id_masked="2101**********100X",
    birth_date=date(1950, 1, 2),
    retirement_date=date(2005, 1, 2),
    community_code="A",
    phone="0411-5550-0001",
)


@on_each_backend
async def test_insert_then_find_by_hash(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        assert await uow.retirees.upsert(RECORD) is True
        found = await uow.retirees.find_by_id_hash(RECORD.id_hash)
        assert found is not None
        assert (found.name, found.community_id, found.phone) == ("王秀英", tree["A"], "0411-5550-0001")
        assert (found.id_masked, found.birth_date) == ("2101**********100X", date(1950, 1, 2))
        assert (found.lives_elsewhere, found.deceased) == (False, False)
        assert await uow.retirees.get(found.id) == found
        assert await uow.retirees.find_by_id_hash("b" * 64) is None
        assert await uow.retirees.count() == 1


@on_each_backend
async def test_upsert_again_changes_nothing_then_updates(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        await uow.retirees.upsert(RECORD)
        assert await uow.retirees.upsert(RECORD) is False
        moved = dataclasses.replace(RECORD, community_code="B", deceased=True)
        assert await uow.retirees.upsert(moved) is True
        found = await uow.retirees.find_by_id_hash(RECORD.id_hash)
        assert found is not None
        assert (found.community_id, found.deceased) == (tree["B"], True)
        assert await uow.retirees.count() == 1


@on_each_backend
async def test_unknown_community_is_refused(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        with pytest.raises(UnknownUnitCode):
            await uow.retirees.upsert(dataclasses.replace(RECORD, community_code="nowhere"))


@pytest.mark.parametrize("check", roster_contract.CONTRACT, ids=lambda check: check.__name__)
async def test_roster_contract(uow_factory: UnitOfWorkFactory, check: roster_contract.Check) -> None:
    await check(uow_factory)
