"""The audit log contract (tests/storage/audit_contract.py) on SQLite, PostgreSQL and the fake."""

from __future__ import annotations

import pytest

from bot.ports import UnitOfWorkFactory
from tests.storage import audit_contract as contract


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)
