from __future__ import annotations

from datetime import date

import pytest

from bot.domain.people import RetireeRecord
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.backends import BACKENDS, database_on
from tests.fakes import FakeDatabase


@pytest.fixture(params=[*BACKENDS, "fake"])
def uow_factory(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A contract's store: the real repositories on SQLite and on PostgreSQL, then the fakes the unit tests
    use, so that the fakes cannot drift from what the repositories do."""
    if request.param == "fake":
        return FakeDatabase().uow
    return database_on(request, request.param).uow


@pytest.fixture
async def people(database: Database, tree: dict[str, int]) -> dict[str, int]:
    """Two retirees (r1, r2) in community A and two accounts (a1, a2). Ids by name."""
    async with database.uow() as uow:
        ids: dict[str, int] = {}
        for n in (1, 2):
            record = RetireeRecord(
                f"R{n}", f"{n}" * 64, f"2101**********000{n}", date(1950, 1, n), date(2010, 1, n), "A"
            )
            await uow.retirees.upsert(record)
            retiree = await uow.retirees.find_by_id_hash(record.id_hash)
            assert retiree is not None
            ids[f"r{n}"] = retiree.id
            ids[f"a{n}"] = (await uow.accounts.get_or_create(100 + n, 100 + n, "en")).id
        await uow.commit()
    return ids
