"""The outbox on PostgreSQL: the SQL-only checks of tests/storage/repositories/test_outbox.py (the contract
itself runs in tests/db/test_contracts.py), which here exercise the column-array paths
(storage.repositories.outbox_bulk), plus what only those paths do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest

from bot.domain.outbox import MessageCategory, OutboxMessage
from storage.database import Database
from storage.repositories.outbox import BULK_THRESHOLD
from tests.db.conftest import wiped
from tests.storage.repositories import test_outbox

pytestmark = pytest.mark.postgres

SQL_CHECKS: list[Callable[[Database], Awaitable[None]]] = [
    test_outbox.test_a_refused_duplicate_leaves_the_first_row_as_it_was,
    test_outbox.test_a_bulk_enqueue_stores_what_one_by_one_enqueues_store,
    test_outbox.test_a_fanout_row_is_the_template_with_its_recipient,
]


async def test_the_outbox_rows_on_postgres(pg_database: Database) -> None:
    for check in SQL_CHECKS:
        await check(await wiped(pg_database))


async def test_a_naive_not_before_is_refused_on_the_bulk_path_too(pg_database: Database) -> None:
    naive = datetime(2025, 3, 3, 9, 0)  # noqa: DTZ001 - the very thing refused
    messages = [
        OutboxMessage(
            chat_id=n,
            category=MessageCategory.NOTICE,
            dedupe_key=f"n-{n}",
            text="x",
            not_before=naive if n == 7 else None,
        )
        for n in range(BULK_THRESHOLD)
    ]
    async with pg_database.uow() as uow:
        with pytest.raises(ValueError, match="naive"):
            await uow.outbox.enqueue_many(messages)


async def test_a_large_fanout_is_queued_once_and_again_adds_nothing(pg_database: Database) -> None:
    count = 120_000  # over one chunk (storage.repositories.outbox_bulk.CHUNK)
    template = OutboxMessage(chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text="Hi")
    recipients = ((n, None, f"b-{n}") for n in range(count))
    async with pg_database.uow() as uow:
        assert await uow.outbox.enqueue_fanout(template, recipients) == count
        await uow.commit()
    async with pg_database.uow() as uow:
        again = ((n, None, f"b-{n}") for n in range(count - 10, count + 10))
        assert await uow.outbox.enqueue_fanout(template, again) == 10
        await uow.commit()
