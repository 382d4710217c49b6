from __future__ import annotations

from bot.ports import UnitOfWorkFactory
from tests.storage.turn_contract import check_open_turn


async def test_open_turn(uow_factory: UnitOfWorkFactory) -> None:
    await check_open_turn(uow_factory)
