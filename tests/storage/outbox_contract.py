"""One behaviour, three stores: the outbox as the services see it through the unit of work (enqueue, batches
and their progress, what staff see of deliveries), run against SQLite, PostgreSQL and the fake
(tests/storage/repositories/test_outbox.py). Holding messages about a retiree is in the claims contract, the
campaign's reminders in the certification contract. What became of a message once queued is the delivery job's
doing, not the port's: `beyond_ports.delivered` sets it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import AccountRole, RetireeRecord, StaffRole, UnitKind
from bot.ports import UnitOfWorkFactory
from tests.storage.beyond_ports import Delivery, delivered

# A broadcast's size: enough that PostgreSQL queues it on its bulk path too (several hundred rows).
BROADCAST = 250


def message(key: str, **fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "chat_id": 11,
        "category": MessageCategory.REMINDER,
        "dedupe_key": key,
        "text": "Hi",
    }
    values.update(fields)
    return OutboxMessage(**values)  # type: ignore[arg-type]


async def _community(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """Communities A and B under street S; in A retiree Wang (own account a1, family f1) and staff s1; in
    B retiree Li (account a2). Ids by name. (Latin names: they sort alike under every server collation.)"""
    async with uow_factory() as uow:
        await uow.units.upsert("S", "Street", UnitKind.STREET, None)
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "S")
        await uow.units.upsert("B", "Community B", UnitKind.COMMUNITY, "S")
        ids: dict[str, int] = {}
        for code in "SAB":
            unit = await uow.units.get_by_code(code)
            assert unit is not None
            ids[code] = unit.id
        for name, code, n in (("Wang", "A", 1), ("Li", "B", 2)):
            record = RetireeRecord(
                name, f"{n}" * 64, f"2101**********000{n}", date(1950, 1, n), date(2010, 1, n), code, "139"
            )
            await uow.retirees.upsert(record)
            retiree = await uow.retirees.find_by_id_hash(record.id_hash)
            assert retiree is not None
            ids[name] = retiree.id
        for key, user in (("a1", 201), ("f1", 202), ("s1", 203), ("a2", 204)):
            ids[key] = (await uow.accounts.get_or_create(user, user, "en")).id
        await uow.accounts.set_role(ids["a1"], AccountRole.RETIREE, ids["Wang"])
        await uow.accounts.set_role(ids["a2"], AccountRole.RETIREE, ids["Li"])
        await uow.accounts.set_role(ids["f1"], AccountRole.FAMILY)
        await uow.family.link(ids["f1"], ids["Wang"], "son")
        await uow.accounts.set_role(ids["s1"], AccountRole.STAFF)
        await uow.staff.add_membership(ids["s1"], ids["A"], StaffRole.STAFF)
        await uow.commit()
    return ids


async def _total(uow_factory: UnitOfWorkFactory, batch_id: int) -> int:
    async with uow_factory() as uow:
        progress = await uow.outbox.batch_progress(batch_id)
    assert progress is not None
    return progress.total


async def enqueue_is_idempotent_by_dedupe_key(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.outbox.create_batch("broadcast", "first")
        again = await uow.outbox.create_batch("broadcast", "again")
        assert await uow.outbox.enqueue(message("cert:1:2025", batch_id=first))
        assert not await uow.outbox.enqueue(message("cert:1:2025", text="again", batch_id=again))
        # Repeats within one call count once.
        many = [message(key, batch_id=first) for key in ("a", "a", "b")]
        assert await uow.outbox.enqueue_many(many) == 2
        assert await uow.outbox.enqueue_many([]) == 0
        await uow.commit()
    async with uow_factory() as uow:
        # A job that runs twice queues once, across transactions too.
        assert await uow.outbox.enqueue_many([message(k, batch_id=again) for k in ("a", "b", "c")]) == 1
        assert not await uow.outbox.enqueue(message("b", batch_id=again))
        await uow.commit()
    # What was refused was not queued under its other batch either.
    assert (await _total(uow_factory, first), await _total(uow_factory, again)) == (3, 1)


async def a_broadcast_is_queued_once_however_often_it_is_sent(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        messages = [message(f"m{n}", chat_id=1000 + n, batch_id=batch) for n in range(BROADCAST)]
        assert await uow.outbox.enqueue_many(messages) == BROADCAST
        await uow.commit()
    async with uow_factory() as uow:
        more = [message(f"m{n}", chat_id=1000 + n, batch_id=batch) for n in range(BROADCAST + 3)]
        assert await uow.outbox.enqueue_many(more + more[:5]) == 3
        await uow.commit()
    assert await _total(uow_factory, batch) == BROADCAST + 3


async def a_rolled_back_cause_takes_its_message_with_it(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.accounts.get_or_create(500, 500, "en")
        assert await uow.outbox.enqueue(message("decision:7"))
        # no commit: the state change failed
    async with uow_factory() as uow:
        assert await uow.accounts.get_by_telegram_user(500) is None
        assert await uow.outbox.enqueue(message("decision:7"))  # the key was never taken


async def a_fanout_queues_the_template_once_per_recipient(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        account = await uow.accounts.get_or_create(77, 77, "en")
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        template = message("ignored", batch_id=batch, category=MessageCategory.BROADCAST)
        assert await uow.outbox.enqueue(message("fan-taken"))
        recipients = [(77, account.id, "fan-77"), (78, None, "fan-78"), (79, None, "fan-taken")]
        recipients += [(100 + n, None, f"fan-{100 + n}") for n in range(BROADCAST)]
        # Any iterable will do: a generator, read once.
        assert await uow.outbox.enqueue_fanout(template, iter(recipients)) == len(recipients) - 1
        assert await uow.outbox.enqueue_fanout(template, iter(recipients)) == 0
        assert await uow.outbox.enqueue_fanout(template, []) == 0
        # The template's own key was not used.
        assert await uow.outbox.enqueue(message("ignored"))
        await uow.commit()
    assert await _total(uow_factory, batch) == len(recipients) - 1


async def a_batch_is_found_by_kind_and_title(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.outbox.find_batch("cert-reminders", "2027 #1") is None
        first = await uow.outbox.create_batch("cert-reminders", "2027 #1")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.find_batch("cert-reminders", "2027 #1") == first
        # Should one ever be made twice, the first is the one found.
        second = await uow.outbox.create_batch("cert-reminders", "2027 #1")
        assert second != first
        assert await uow.outbox.find_batch("cert-reminders", "2027 #1") == first
        assert await uow.outbox.find_batch("broadcast", "2027 #1") is None
        assert await uow.outbox.find_batch("cert-reminders", "2027 #2") is None
        progress = await uow.outbox.batch_progress(second)
        assert progress is not None
        assert (progress.kind, progress.title, progress.total, progress.done) == (
            "cert-reminders",
            "2027 #1",
            0,
            True,
        )


async def batch_progress_counts_each_state(uow_factory: UnitOfWorkFactory) -> None:
    outcomes = {
        "m0": Delivery.SENT,
        "m1": Delivery.UNREACHABLE,
        "m2": Delivery.QUIET_HOURS,
        "m3": Delivery.FAILED,
        "m4": Delivery.SENDING,
    }  # m5: still queued
    async with uow_factory() as uow:
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        other = await uow.outbox.create_batch("broadcast", "Another")
        await uow.outbox.enqueue_many([message(f"m{n}", batch_id=batch) for n in range(6)])
        await uow.outbox.enqueue_many([message("o", batch_id=other), message("none")])
        await uow.commit()
    async with uow_factory() as uow:
        await delivered(uow, outcomes)
        await uow.commit()
    async with uow_factory() as uow:
        progress = await uow.outbox.batch_progress(batch)
        assert await uow.outbox.batch_progress(other + batch + 100) is None
    assert progress is not None
    assert (progress.batch_id, progress.kind, progress.title) == (batch, "broadcast", "Tai chi")
    counts = (
        progress.sent,
        progress.unreachable,
        progress.waiting_quiet_hours,
        progress.failed,
        progress.sending,
        progress.queued,
        progress.cancelled,
    )
    assert counts == (1, 1, 1, 1, 1, 1, 0)
    assert progress.total == 6
    assert not progress.done
    # Settled once nothing waits: not queued, not being sent, not waiting for quiet hours.
    async with uow_factory() as uow:
        await delivered(uow, {"m2": Delivery.SENT, "m4": Delivery.SENT})
        await uow.commit()
    async with uow_factory() as uow:
        still_queued = await uow.outbox.batch_progress(batch)
        await delivered(uow, {"m5": Delivery.FAILED})
        settled = await uow.outbox.batch_progress(batch)
    assert still_queued is not None
    assert not still_queued.done
    assert settled is not None
    assert (settled.sent, settled.failed, settled.unreachable, settled.total) == (3, 2, 1, 6)
    assert settled.done


async def cancelling_a_batch_stops_what_still_waits(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        batch = await uow.outbox.create_batch("notice", "notice 1")
        other = await uow.outbox.create_batch("notice", "notice 2")
        await uow.outbox.enqueue_many([message(f"m{n}", batch_id=batch) for n in range(5)])
        await uow.outbox.enqueue(message("other", batch_id=other))
        await uow.commit()
    async with uow_factory() as uow:
        await delivered(
            uow, {"m1": Delivery.QUIET_HOURS, "m2": Delivery.SENDING, "m3": Delivery.SENT}
        )  # m0 and m4 still queued
        await uow.commit()
    async with uow_factory() as uow:
        # The queued ones and the one waiting for quiet hours.
        assert await uow.outbox.cancel_batch(batch) == 3
        assert await uow.outbox.cancel_batch(batch) == 0
        await uow.commit()
    async with uow_factory() as uow:
        progress = await uow.outbox.batch_progress(batch)
        untouched = await uow.outbox.batch_progress(other)
    assert progress is not None
    # The one being sent finishes; the delivery job settles it.
    assert (progress.cancelled, progress.sending, progress.sent, progress.queued) == (3, 1, 1, 0)
    assert progress.waiting_quiet_hours == 0
    assert progress.total == 5
    assert untouched is not None
    assert (untouched.queued, untouched.cancelled) == (1, 0)


async def recent_batches_count_only_the_units_people(uow_factory: UnitOfWorkFactory) -> None:
    ids = await _community(uow_factory)
    async with uow_factory() as uow:
        older = await uow.outbox.create_batch("broadcast", "Only B")
        newer = await uow.outbox.create_batch("cert-reminders", "Reminder 1")
        await uow.outbox.create_batch("broadcast", "Nobody's")
        await uow.outbox.enqueue(message("old-a2", account_id=ids["a2"], batch_id=older))
        for key in ("a1", "f1", "s1", "a2"):
            await uow.outbox.enqueue(message(f"new-{key}", account_id=ids[key], batch_id=newer))
        await uow.commit()
    async with uow_factory() as uow:
        await delivered(
            uow, {"new-a1": Delivery.SENT, "new-f1": Delivery.UNREACHABLE, "new-s1": Delivery.QUIET_HOURS}
        )
        await uow.commit()
    async with uow_factory() as uow:
        [in_a] = await uow.outbox.recent_batches([ids["A"]], 5)
        both = await uow.outbox.recent_batches([ids["A"], ids["B"]], 5)
        assert await uow.outbox.recent_batches([ids["A"], ids["B"]], 1) == both[:1]
        assert await uow.outbox.recent_batches([], 5) == []
        # A street's own id holds no retirees: its staff see their communities through their subtree.
        assert await uow.outbox.recent_batches([ids["S"]], 5) == []
    assert (in_a.batch_id, in_a.title) == (newer, "Reminder 1")
    assert (in_a.sent, in_a.unreachable, in_a.waiting_quiet_hours, in_a.queued, in_a.total) == (1, 1, 1, 0, 3)
    assert [(b.batch_id, b.total) for b in both] == [(newer, 4), (older, 1)]


async def unreachable_accounts_of_a_unit_with_their_retiree(uow_factory: UnitOfWorkFactory) -> None:
    ids = await _community(uow_factory)
    async with uow_factory() as uow:
        for key in ("f1", "a1", "a2", "s1"):
            await uow.accounts.set_unreachable(ids[key])
        await uow.commit()
    async with uow_factory() as uow:
        found, total = await uow.outbox.unreachable_accounts([ids["A"]], 0, 10)
        page, same_total = await uow.outbox.unreachable_accounts([ids["A"], ids["B"]], 1, 1)
        assert await uow.outbox.unreachable_accounts([], 0, 10) == ([], 0)
    # Staff are not listed: only retirees and their families, whom staff call or visit instead.
    assert total == 2
    assert [(u.account_id, u.retiree_id, u.retiree_name, u.family, u.phone) for u in found] == [
        (ids["a1"], ids["Wang"], "Wang", False, "139"),
        (ids["f1"], ids["Wang"], "Wang", True, "139"),
    ]
    assert found[0].id_masked == "2101**********0001"
    assert same_total == 3
    assert [u.account_id for u in page] == [ids["a1"]]  # after Li's, before Wang's family member


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    enqueue_is_idempotent_by_dedupe_key,
    a_broadcast_is_queued_once_however_often_it_is_sent,
    a_rolled_back_cause_takes_its_message_with_it,
    a_fanout_queues_the_template_once_per_recipient,
    a_batch_is_found_by_kind_and_title,
    batch_progress_counts_each_state,
    cancelling_a_batch_stops_what_still_waits,
    recent_batches_count_only_the_units_people,
    unreachable_accounts_of_a_unit_with_their_retiree,
)
