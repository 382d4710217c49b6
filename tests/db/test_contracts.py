"""The repository contracts on PostgreSQL, as on SQLite and the fakes (tests/storage/repositories): one
server database per contract, emptied between its checks."""

from __future__ import annotations

from types import ModuleType

import pytest

from storage.database import Database
from tests.db.conftest import wiped
from tests.storage import (
    accounts_contract,
    activities_contract,
    audit_contract,
    claims_contract,
    conversations_contract,
    family_contract,
    login_attempts_contract,
    outbox_contract,
    roster_contract,
    staff_contract,
    units_contract,
    updates_contract,
)

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "contract",
    [
        accounts_contract,
        family_contract,
        conversations_contract,
        claims_contract,
        activities_contract,
        roster_contract,
        outbox_contract,
        staff_contract,
        units_contract,
        updates_contract,
        login_attempts_contract,
        audit_contract,
    ],
    ids=lambda module: module.__name__.rsplit(".", 1)[-1],
)
async def test_contract_on_postgres(pg_database: Database, contract: ModuleType) -> None:
    for check in contract.CONTRACT:
        await check((await wiped(pg_database)).uow)
