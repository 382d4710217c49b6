"""The processed-update log contract (tests/storage/updates_contract.py) on SQLite and the fake."""

from __future__ import annotations

import pytest

from bot.ports import UnitOfWorkFactory
from tests.storage import updates_contract as contract


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)
