"""The activity and notice repository contract (tests/storage/activities_contract.py) on SQLite,
PostgreSQL and the fake, and cancelling an outbox batch."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.models import OutboxRow
from tests.storage import activities_contract as contract


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


async def test_cancelling_a_batch_cancels_only_what_still_waits(database: Database) -> None:
    async with database.uow() as uow:
        batch = await uow.outbox.create_batch("notice", "n")
        template = OutboxMessage(chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text="x")
        await uow.outbox.enqueue_fanout(
            replace(template, batch_id=batch), [(n, None, f"k{n}") for n in range(5)]
        )
        await uow.commit()
    async with database.sessions() as session, session.begin():
        await session.execute(
            update(OutboxRow).where(OutboxRow.dedupe_key == "k0").values(status=OutboxStatus.SENT.value)
        )
    async with database.uow() as uow:
        assert await uow.outbox.cancel_batch(batch) == 4
        await uow.commit()
    async with database.uow() as uow:
        progress = await uow.outbox.batch_progress(batch)
    assert progress is not None
    assert (progress.sent, progress.cancelled, progress.queued, progress.done) == (1, 4, 0, True)
