"""The conversation state repository contract (tests/storage/conversations_contract.py) on SQLite,
PostgreSQL and the fake, and what the SQL repository writes (or does not)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.domain.conversation import ConversationState
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.storage import conversations_contract as contract


@pytest.fixture
def writes(database: Database) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements sent to the database."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_clearing_a_state_found_absent_writes_nothing(database: Database, writes: list[str]) -> None:
    async with database.uow() as uow:
        assert await uow.conversations.load(1, 2) is None
        await uow.conversations.clear(1, 2)
        await uow.commit()
    assert writes == []


async def test_saving_the_loaded_state_unchanged_writes_nothing(
    database: Database, writes: list[str]
) -> None:
    async with database.uow() as uow:
        await uow.conversations.save(1, 2, ConversationState("register", "ask_name", {"tries": 1}))
        await uow.commit()
    writes.clear()
    async with database.uow() as uow:
        state = await uow.conversations.load(1, 2)
        assert state is not None
        await uow.conversations.save(1, 2, ConversationState(state.flow, state.step, dict(state.data)))
        await uow.commit()
    assert writes == []


async def test_what_was_seen_is_forgotten_after_a_rollback(database: Database, writes: list[str]) -> None:
    async with database.uow() as uow:
        assert await uow.conversations.load(1, 2) is None
        await uow.rollback()
        async with database.uow() as other:
            await other.conversations.save(1, 2, ConversationState("register", "ask_name"))
            await other.commit()
        await uow.conversations.clear(1, 2)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.conversations.load(1, 2) is None
    assert writes == ["INSERT", "DELETE"]


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)
