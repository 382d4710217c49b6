from __future__ import annotations

import pytest

from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.backends import BACKENDS, database_on
from tests.fakes import FakeDatabase
from tests.storage.people import add_retirees


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
        ids = await add_retirees(uow, ["A", "A"])
        await uow.commit()
    return ids
