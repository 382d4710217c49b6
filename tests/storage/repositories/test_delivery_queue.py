"""The outbox as the sender's queue: claimed most urgent first, leased, reported on. Several workers claim
from one queue: on PostgreSQL they skip each other's rows (FOR UPDATE SKIP LOCKED) rather than wait."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.domain.outbox import DeliveryReport, MessageCategory, OutboxMessage, OutboxStatus
from storage.database import Database
from storage.models import AccountRow, OutboxRow
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.backends import on_each_backend, one_database_per_worker

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)


async def _queue(database: Database, *messages: OutboxMessage) -> SqlDeliveryQueue:
    async with database.uow() as uow:
        await uow.outbox.enqueue_many(list(messages))
        await uow.commit()
    return SqlDeliveryQueue(database.sessions)


def _m(key: str, category: MessageCategory = MessageCategory.BROADCAST, **fields: object) -> OutboxMessage:
    values: dict[str, object] = {"chat_id": 3, "category": category, "dedupe_key": key, "text": key}
    values.update(fields)
    return OutboxMessage(**values)  # type: ignore[arg-type]


async def _statuses(database: Database) -> dict[str, str]:
    async with database.session() as session:
        return dict((await session.execute(select(OutboxRow.dedupe_key, OutboxRow.status))).all())


async def test_claims_most_urgent_first_and_only_what_is_due(database: Database) -> None:
    queue = await _queue(
        database,
        _m("broadcast"),
        _m("later", MessageCategory.URGENT, not_before=NOW + timedelta(minutes=5)),
        _m("decision", MessageCategory.NOTICE),
        _m("urgent", MessageCategory.URGENT),
    )
    items = await queue.claim("w1", NOW, 10, LEASE)
    assert [i.dedupe_key for i in items] == ["urgent", "decision", "broadcast"]
    assert await queue.claim("w2", NOW, 10, LEASE) == []  # claimed rows are not handed out twice
    assert await queue.due_by(NOW) == 3
    assert await queue.due_by(NOW + timedelta(minutes=5)) == 4


async def test_a_dead_workers_rows_come_back_after_the_lease(database: Database) -> None:
    queue = await _queue(database, _m("a"), _m("b"))
    await queue.claim("dead", NOW, 10, LEASE)
    assert await queue.requeue_expired(LEASE - timedelta(seconds=1)) == 0
    assert await queue.requeue_expired(LEASE + timedelta(seconds=1)) == 2
    again = await queue.claim("alive", LEASE, 10, LEASE + timedelta(seconds=60))
    assert {i.dedupe_key for i in again} == {"a", "b"}
    # The dead worker's late report is ignored: the rows are no longer its own.
    await queue.record("dead", DeliveryReport(sent=[(again[0].id, 1)]), NOW)
    assert set((await _statuses(database)).values()) == {OutboxStatus.SENDING}


@on_each_backend
async def test_rows_a_lost_claim_took_come_back_at_once_and_nothing_the_worker_holds(
    database: Database,
) -> None:
    queue = await _queue(database, *(_m(key, chat_id=n) for n, key in enumerate("abcd")))
    held = await queue.claim("w", NOW, 2, LEASE)
    lost = await queue.claim("w", NOW, 2, LEASE)  # committed, but its answer never reached the worker
    other = await _queue(database, _m("e", chat_id=9))
    [elsewhere] = await other.claim("x", NOW, 1, LEASE)
    assert await queue.requeue_unheld("w", [item.id for item in held]) == 2
    statuses = await _statuses(database)
    assert {statuses[i.dedupe_key] for i in held} == {OutboxStatus.SENDING}
    assert {statuses[i.dedupe_key] for i in lost} == {OutboxStatus.QUEUED}
    assert statuses[elsewhere.dedupe_key] == OutboxStatus.SENDING
    assert await queue.requeue_unheld("w", []) == 2  # holding nothing: all of its rows come back


async def test_outcomes_are_recorded(database: Database) -> None:
    queue = await _queue(database, _m("sent"), _m("bad"), _m("retry"), _m("quiet"), _m("released"))
    items = {i.dedupe_key: i.id for i in await queue.claim("w", NOW, 10, LEASE)}
    report = DeliveryReport(
        sent=[(items["sent"], 77)],
        failed=[(items["bad"], "Bad Request: can't parse entities")],
        retry=[(items["retry"], NOW + timedelta(seconds=4), "Internal Server Error")],
        quiet=[(items["quiet"], NOW + timedelta(hours=9))],
        released=[items["released"]],
    )
    await queue.record("w", report, NOW)
    assert await _statuses(database) == {
        "sent": OutboxStatus.SENT,
        "bad": OutboxStatus.FAILED,
        "retry": OutboxStatus.QUEUED,
        "quiet": OutboxStatus.QUEUED,
        "released": OutboxStatus.QUEUED,
    }
    async with database.session() as session:
        retry = (await session.scalars(select(OutboxRow).where(OutboxRow.dedupe_key == "retry"))).one()
    assert (retry.attempts, retry.last_error) == (1, "Internal Server Error")
    # All of one chat: "released" waits behind "retry" until that one is due; "quiet" holds nothing back.
    assert await queue.claim("w", NOW, 10, LEASE) == []
    later = NOW + timedelta(seconds=4)
    assert [i.dedupe_key for i in await queue.claim("w", later, 10, LEASE)] == ["retry", "released"]


async def test_a_chats_next_messages_wait_behind_one_waiting_for_its_retry(database: Database) -> None:
    queue = await _queue(
        database,
        _m("a1"),
        _m("a2"),
        _m("b1", chat_id=4),
        _m("c-scheduled", chat_id=5, not_before=NOW + timedelta(hours=1)),
        _m("c-now", chat_id=5),
    )
    claimed = {i.dedupe_key: i.id for i in await queue.claim("w", NOW, 10, LEASE)}
    assert set(claimed) == {"a1", "a2", "b1", "c-now"}  # scheduled for later and never tried: no hold
    retry_at = NOW + timedelta(seconds=30)
    report = DeliveryReport(
        retry=[(claimed["a1"], retry_at, "Internal Server Error"), (claimed["b1"], retry_at, "timeout")],
        released=[claimed["a2"]],
        sent=[(claimed["c-now"], 5)],
    )
    await queue.record("w", report, NOW)
    async with database.uow() as uow:
        await uow.outbox.enqueue(_m("b2", chat_id=4))
        await uow.commit()
    # a2 and b2 are due, but each waits behind its chat's message that is waiting out a backoff.
    assert await queue.claim("w", NOW + timedelta(seconds=1), 10, LEASE) == []
    assert await queue.due_by(NOW + timedelta(seconds=1)) == 2
    again = await queue.claim("w", retry_at, 10, LEASE)
    assert [i.dedupe_key for i in again] == ["a1", "a2", "b1", "b2"]


async def test_a_block_stops_every_message_to_that_account(database: Database) -> None:
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(900, 900, "en")
        await uow.commit()
    queue = await _queue(
        database,
        _m("first", account_id=account.id, chat_id=900),
        _m("second", account_id=account.id, chat_id=900),
    )
    [first, _] = await queue.claim("w", NOW, 1, LEASE) + [None]
    assert first is not None
    await queue.record(
        "w", DeliveryReport(unreachable=[(first.id, "Forbidden: bot was blocked by the user")]), NOW
    )
    assert set((await _statuses(database)).values()) == {OutboxStatus.UNREACHABLE}
    async with database.session() as session:
        assert await session.scalar(select(AccountRow.unreachable).where(AccountRow.id == account.id))
    async with database.uow() as uow:
        assert (await uow.accounts.get(account.id)).unreachable  # type: ignore[union-attr]
        await uow.outbox.enqueue(_m("third", account_id=account.id, chat_id=900))
        await uow.commit()
    # Queued after the block: handed to no worker, closed at once.
    assert await queue.claim("w", NOW, 10, LEASE) == []
    assert (await _statuses(database))["third"] == OutboxStatus.UNREACHABLE


async def test_a_template_queued_without_a_locale_is_rendered_in_the_recipients_language(
    database: Database,
) -> None:
    async with database.uow() as uow:
        reader = await uow.accounts.get_or_create(901, 901, "zh_Hant")
        await uow.commit()
    queue = await _queue(
        database,
        _m("no-locale", account_id=reader.id, chat_id=901, text=None, template="t.html.j2"),
        _m("chosen", account_id=reader.id, chat_id=901, text=None, template="t.html.j2", locale="en"),
        _m("group", chat_id=-5, text=None, template="t.html.j2"),
    )
    items = {i.dedupe_key: i.locale for i in await queue.claim("w", NOW, 10, LEASE)}
    assert items == {"no-locale": "zh_Hant", "chosen": "en", "group": None}


async def _enqueue(database: Database, keys: list[str]) -> None:
    async with database.uow() as uow:
        messages = [_m(key, chat_id=700_000 + n) for n, key in enumerate(keys)]
        assert await uow.outbox.enqueue_many(messages) == len(keys)
        await uow.commit()


@pytest.mark.postgres
async def test_concurrent_claims_never_hand_out_a_row_twice(postgres_url: str) -> None:
    async with one_database_per_worker(postgres_url, 3) as databases:
        keys = [f"m-{n}" for n in range(600)]
        await _enqueue(databases[0], keys)
        queues = [SqlDeliveryQueue(database.sessions) for database in databases]
        claimed: dict[str, list[int]] = {f"w{n}": [] for n in range(3)}

        async def claim_all(worker: str, queue: SqlDeliveryQueue) -> None:
            while items := await queue.claim(worker, NOW, 17, LEASE):
                claimed[worker].extend(item.id for item in items)

        await asyncio.gather(*(claim_all(f"w{n}", q) for n, q in enumerate(queues)))

    everything = [row for rows in claimed.values() for row in rows]
    assert len(everything) == len(set(everything)) == len(keys)
    assert all(claimed.values()), {w: len(rows) for w, rows in claimed.items()}


@pytest.mark.postgres
async def test_a_claim_skips_rows_another_transaction_holds_instead_of_waiting(postgres_url: str) -> None:
    async with one_database_per_worker(postgres_url, 2) as (holder, claimer):
        await _enqueue(holder, [f"m-{n}" for n in range(10)])
        async with holder.session() as session, session.begin():
            # Another worker's claim transaction, caught half-way: it holds the five oldest rows' locks.
            held = list(
                await session.scalars(select(OutboxRow.id).order_by(OutboxRow.id).limit(5).with_for_update())
            )
            queue = SqlDeliveryQueue(claimer.sessions)
            # Without SKIP LOCKED this would wait for the holder's commit, which never comes in time.
            items = await asyncio.wait_for(queue.claim("other", NOW, 10, LEASE), 5)
            assert {item.id for item in items}.isdisjoint(held)
            assert len(items) == 5
            await session.execute(text("SELECT 1"))


@on_each_backend
async def test_a_late_report_from_a_worker_that_lost_its_rows_changes_nothing(database_url: str) -> None:
    async with one_database_per_worker(database_url, 2) as (first, second):
        await _enqueue(first, ["m-0"])
        slow, fast = SqlDeliveryQueue(first.sessions), SqlDeliveryQueue(second.sessions)
        [item] = await slow.claim("slow", NOW, 1, NOW + timedelta(seconds=1))
        assert await fast.requeue_expired(NOW + timedelta(seconds=2)) == 1
        [again] = await fast.claim("fast", NOW + timedelta(seconds=2), 1, LEASE)
        await fast.record("fast", DeliveryReport(sent=[(again.id, 11)]), NOW)
        await slow.record("slow", DeliveryReport(failed=[(item.id, "too late")]), NOW)
        async with first.session() as session:
            row = (await session.scalars(select(OutboxRow))).one()
        assert (row.status, row.message_id, row.last_error) == (OutboxStatus.SENT, 11, None)
