"""The outbox repository. What it promises holds on each backend; on PostgreSQL a call of BULK_THRESHOLD
messages or more takes the column-array paths (storage/repositories/outbox_bulk.py), which only PostgreSQL
has, so those are tested there alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.actions import Button, InlineKeyboard, RemoveKeyboard, ReplyKeyboard
from bot.domain.outbox import Attachment, AttachmentKind, MessageCategory, OutboxMessage, OutboxStatus
from bot.domain.people import AccountRole, RetireeRecord, StaffRole, UnitKind
from storage.database import Database
from storage.models import OutboxRow
from storage.repositories.outbox import BULK_THRESHOLD
from storage.repositories.outbox_rows import keyboard_from_json, keyboard_to_json
from tests.backends import on_each_backend


def _message(key: str, **fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "chat_id": 11,
        "category": MessageCategory.REMINDER,
        "dedupe_key": key,
        "text": "Hi",
    }
    values.update(fields)
    return OutboxMessage(**values)  # type: ignore[arg-type]


@on_each_backend
async def test_enqueue_is_idempotent_by_dedupe_key(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.outbox.enqueue(_message("cert:1:2025"))
        assert not await uow.outbox.enqueue(_message("cert:1:2025", text="again"))
        assert await uow.outbox.enqueue_many([_message("a"), _message("a"), _message("b")]) == 2
        await uow.commit()
    async with database.session() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
    assert [(r.dedupe_key, r.text, r.priority, r.status) for r in rows] == [
        ("cert:1:2025", "Hi", 20, OutboxStatus.QUEUED),
        ("a", "Hi", 20, OutboxStatus.QUEUED),
        ("b", "Hi", 20, OutboxStatus.QUEUED),
    ]


async def test_a_rolled_back_cause_takes_its_message_with_it(database: Database) -> None:
    async with database.uow() as uow:
        await uow.accounts.get_or_create(500, 500, "en")
        await uow.outbox.enqueue(_message("decision:7"))
        # no commit: the state change failed
    async with database.uow() as uow:
        assert await uow.accounts.get_by_telegram_user(500) is None
        assert await uow.outbox.enqueue(_message("decision:7"))  # the key was never taken


@on_each_backend
async def test_batch_progress_counts_each_state(database: Database) -> None:
    later = datetime.now(UTC) + timedelta(hours=3)
    async with database.uow() as uow:
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        await uow.outbox.enqueue_many([_message(f"m{n}", batch_id=batch) for n in range(4)])
        await uow.commit()
    async with database.session() as session, session.begin():
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
        rows[0].status = OutboxStatus.SENT.value
        rows[1].status = OutboxStatus.UNREACHABLE.value
        rows[2].held_for_quiet = True
        rows[2].not_before = later
    async with database.uow() as uow:
        progress = await uow.outbox.batch_progress(batch)
        assert await uow.outbox.batch_progress(batch + 100) is None
    assert progress is not None
    assert (progress.kind, progress.title) == ("broadcast", "Tai chi")
    assert (progress.sent, progress.unreachable, progress.waiting_quiet_hours, progress.queued) == (
        1,
        1,
        1,
        1,
    )
    assert progress.total == 4
    assert not progress.done


def test_keyboards_survive_the_round_trip() -> None:
    for keyboard in (
        InlineKeyboard(((Button("Yes", "y:1"), Button("No", "n:1")),)),
        ReplyKeyboard((("Menu",),), "Pick"),
        RemoveKeyboard(),
        None,
    ):
        assert keyboard_from_json(keyboard_to_json(keyboard)) == keyboard


_COMPARED = (
    "account_id",
    "chat_id",
    "category",
    "priority",
    "status",
    "text",
    "keyboard",
    "template",
    "context",
    "locale",
    "attachment_kind",
    "attachment_file_id",
    "time_zone",
    "not_before",
    "held_for_quiet",
    "attempts",
    "batch_id",
)


def _varied(prefix: str, count: int) -> list[OutboxMessage]:
    """Messages using every column, sharing keyboards and contexts the way a broadcast does."""
    keyboard = InlineKeyboard(((Button("参加", "ev:1"), Button("No", "ev:0")),))
    context = {"name": "王 <b>", "day": 3}
    later = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)
    found = []
    for n in range(count):
        fields: dict[str, object] = {"chat_id": 1000 + n, "account_id": None, "time_zone": "Asia/Urumqi"}
        if n % 3 == 0:
            fields.update(text=None, template="t.html.j2", context=context, locale="zh_Hant")
        if n % 4 == 0:
            fields.update(keyboard=keyboard, priority=3, not_before=later)
        if n % 5 == 0:
            fields.update(attachment=Attachment(AttachmentKind.PHOTO, f"file-{n}"))
        found.append(_message(f"{prefix}{n}", **fields))
    return found


async def _rows(database: Database, prefix: str) -> list[tuple[object, ...]]:
    async with database.session() as session:
        rows = (
            await session.scalars(
                select(OutboxRow).where(OutboxRow.dedupe_key.startswith(prefix)).order_by(OutboxRow.id)
            )
        ).all()
    return [(r.dedupe_key.removeprefix(prefix), *(getattr(r, c) for c in _COMPARED)) for r in rows]


@on_each_backend
async def test_a_bulk_enqueue_stores_what_one_by_one_enqueues_store(database: Database) -> None:
    count = BULK_THRESHOLD + 50  # over the threshold: PostgreSQL takes the column-array path
    async with database.uow() as uow:
        for message in _varied("one-", count + 3):
            assert await uow.outbox.enqueue(message)
        assert await uow.outbox.enqueue_many(_varied("bulk-", count)) == count
        # Again, with three new ones and repeats within the call: only the new ones are queued.
        again = _varied("bulk-", count + 3)
        assert await uow.outbox.enqueue_many(again + again[:5]) == 3
        await uow.commit()
    bulk = await _rows(database, "bulk-")
    assert len(bulk) == count + 3
    assert bulk == await _rows(database, "one-")


@on_each_backend
async def test_a_fanout_queues_the_template_once_per_recipient(database: Database) -> None:
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(77, 77, "en")
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        template = _message(
            "ignored",
            keyboard=ReplyKeyboard((("Menu",),), None),
            batch_id=batch,
            category=MessageCategory.BROADCAST,
        )
        assert await uow.outbox.enqueue(_message("fan-taken"))
        recipients = [(77, account.id, "fan-77"), (78, None, "fan-78"), (79, None, "fan-taken")]
        recipients += [(100 + n, None, f"fan-{100 + n}") for n in range(BULK_THRESHOLD)]
        assert await uow.outbox.enqueue_fanout(template, iter(recipients)) == len(recipients) - 1
        await uow.commit()
    async with database.session() as session:
        rows = {
            r.dedupe_key: r
            for r in (await session.scalars(select(OutboxRow).where(OutboxRow.batch_id == batch))).all()
        }
    assert len(rows) == len(recipients) - 1
    first = rows["fan-77"]
    assert (first.chat_id, first.account_id, first.text, first.category) == (
        77,
        account.id,
        "Hi",
        "broadcast",
    )
    assert keyboard_from_json(first.keyboard) == ReplyKeyboard((("Menu",),), None)
    assert (rows["fan-78"].account_id, rows["fan-178"].chat_id) == (None, 178)
    assert {r.priority for r in rows.values()} == {30}
    assert "ignored" not in rows


async def _community(database: Database) -> dict[str, int]:
    """Communities A and B under street S; in A retiree Wang (own account a1, family f1) and staff s1; in
    B retiree Li (account a2). Ids by name. (Latin names: they sort alike under every server collation.)"""
    async with database.uow() as uow:
        await uow.units.upsert("S", "Street", UnitKind.STREET, None)
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "S")
        await uow.units.upsert("B", "Community B", UnitKind.COMMUNITY, "S")
        ids = {code: (await uow.units.get_by_code(code)).id for code in "SAB"}  # type: ignore[union-attr]
        for name, code, n in (("Wang", "A", 1), ("Li", "B", 2)):
            record = RetireeRecord(
                name, f"{n}" * 64, f"2101**********000{n}", date(1950, 1, n), date(2010, 1, n), code, "139"
            )
            await uow.retirees.upsert(record)
            ids[name] = (await uow.retirees.find_by_id_hash(record.id_hash)).id  # type: ignore[union-attr]
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


@on_each_backend
async def test_recent_batches_count_only_the_units_people(database: Database) -> None:
    ids = await _community(database)
    async with database.uow() as uow:
        older = await uow.outbox.create_batch("broadcast", "Only B")
        newer = await uow.outbox.create_batch("cert-reminders", "Reminder 1")
        await uow.outbox.create_batch("broadcast", "Nobody's")
        await uow.outbox.enqueue(_message("old-a2", account_id=ids["a2"], batch_id=older))
        for key in ("a1", "f1", "s1", "a2"):
            await uow.outbox.enqueue(_message(f"new-{key}", account_id=ids[key], batch_id=newer))
        await uow.commit()
    async with database.session() as session, session.begin():
        rows = {r.dedupe_key: r for r in (await session.scalars(select(OutboxRow))).all()}
        rows["new-a1"].status = OutboxStatus.SENT.value
        rows["new-f1"].status = OutboxStatus.UNREACHABLE.value
        rows["new-s1"].held_for_quiet = True
    async with database.uow() as uow:
        [in_a] = await uow.outbox.recent_batches([ids["A"]], 5)
        both = await uow.outbox.recent_batches([ids["A"], ids["B"]], 5)
        assert await uow.outbox.recent_batches([ids["A"], ids["B"]], 1) == both[:1]
        assert await uow.outbox.recent_batches([], 5) == []
    assert (in_a.batch_id, in_a.title) == (newer, "Reminder 1")
    assert (in_a.sent, in_a.unreachable, in_a.waiting_quiet_hours, in_a.queued, in_a.total) == (1, 1, 1, 0, 3)
    assert [(b.batch_id, b.total) for b in both] == [(newer, 4), (older, 1)]


@on_each_backend
async def test_unreachable_accounts_of_a_unit_with_their_retiree(database: Database) -> None:
    ids = await _community(database)
    async with database.uow() as uow:
        for key in ("f1", "a1", "a2"):
            await uow.accounts.set_unreachable(ids[key])
        await uow.commit()
    async with database.uow() as uow:
        found, total = await uow.outbox.unreachable_accounts([ids["A"]], 0, 10)
        page, same_total = await uow.outbox.unreachable_accounts([ids["A"], ids["B"]], 1, 1)
    assert total == 2
    assert [(u.account_id, u.retiree_name, u.family, u.phone) for u in found] == [
        (ids["a1"], "Wang", False, "139"),
        (ids["f1"], "Wang", True, "139"),
    ]
    assert found[0].id_masked == "2101**********0001"
    assert same_total == 3
    assert [u.account_id for u in page] == [ids["a1"]]  # after Li's, before Wang's family member


@pytest.mark.postgres
async def test_a_naive_not_before_is_refused_on_the_bulk_path_too(postgres_database: Database) -> None:
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
    async with postgres_database.uow() as uow:
        with pytest.raises(ValueError, match="naive"):
            await uow.outbox.enqueue_many(messages)


@pytest.mark.postgres
async def test_a_large_fanout_is_queued_once_and_again_adds_nothing(postgres_database: Database) -> None:
    count = 120_000  # over one chunk (storage.repositories.outbox_bulk.CHUNK)
    template = OutboxMessage(chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text="Hi")
    recipients = ((n, None, f"b-{n}") for n in range(count))
    async with postgres_database.uow() as uow:
        assert await uow.outbox.enqueue_fanout(template, recipients) == count
        await uow.commit()
    async with postgres_database.uow() as uow:
        again = ((n, None, f"b-{n}") for n in range(count - 10, count + 10))
        assert await uow.outbox.enqueue_fanout(template, again) == 10
        await uow.commit()
