from __future__ import annotations

from storage.database import Database
from tests.storage.instances_contract import check_instances


async def test_the_instances_contract_on_sqlite(database: Database) -> None:
    await check_instances(database)
