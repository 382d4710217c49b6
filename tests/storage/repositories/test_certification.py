"""The certification repository contract on SQLite, PostgreSQL and the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.ports import UnitOfWorkFactory
from tests.storage import certification_contract as contract

CHECKS: list[Callable[..., object]] = [
    contract.check_reminders,
    contract.check_status_lifecycle,
    contract.check_staff_and_submissions,
    contract.check_family_and_suspension,
    contract.check_rolling_page,
    contract.check_a_retiree_looking_after_a_spouse,
    contract.check_standings,
    contract.check_a_list_walked_by_key,
    contract.check_data_comparison_in_one_statement,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: Callable[..., object]) -> None:
    world = await contract.build_world(uow_factory)
    await check(uow_factory, world)  # type: ignore[misc]
