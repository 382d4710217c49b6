from __future__ import annotations

from storage.database import Database
from tests.storage.turn_contract import check_open_turn


async def test_open_turn(database: Database) -> None:
    await check_open_turn(database)
