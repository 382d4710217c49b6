"""The outbox contract (tests/storage/outbox_contract.py) on SQLite, PostgreSQL and the fake, and what only
the SQL repository shows: the columns a message is stored in, on each backend; on PostgreSQL a call of
BULK_THRESHOLD messages or more takes the column-array paths (storage/repositories/outbox_bulk.py), which
only PostgreSQL has, so those are tested there alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.actions import Button, InlineKeyboard, RemoveKeyboard, ReplyKeyboard
from bot.domain.outbox import Attachment, AttachmentKind, MessageCategory, OutboxMessage, OutboxStatus
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from storage.models import OutboxRow
from storage.repositories.outbox import BULK_THRESHOLD
from storage.repositories.outbox_rows import keyboard_from_json, keyboard_to_json
from tests.backends import on_each_backend
from tests.storage import outbox_contract as contract


@on_each_backend
async def test_a_refused_duplicate_leaves_the_first_row_as_it_was(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.outbox.enqueue(contract.message("cert:1:2025"))
        assert not await uow.outbox.enqueue(contract.message("cert:1:2025", text="again"))
        assert (
            await uow.outbox.enqueue_many(
                [contract.message("a"), contract.message("a"), contract.message("b")]
            )
            == 2
        )
        await uow.commit()
    async with database.session() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
    assert [(r.dedupe_key, r.text, r.priority, r.status) for r in rows] == [
        ("cert:1:2025", "Hi", 20, OutboxStatus.QUEUED),
        ("a", "Hi", 20, OutboxStatus.QUEUED),
        ("b", "Hi", 20, OutboxStatus.QUEUED),
    ]


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
        found.append(contract.message(f"{prefix}{n}", **fields))
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
async def test_a_fanout_row_is_the_template_with_its_recipient(database: Database) -> None:
    async with database.uow() as uow:
        account = await uow.accounts.get_or_create(77, 77, "en")
        batch = await uow.outbox.create_batch("broadcast", "Tai chi")
        template = contract.message(
            "ignored",
            keyboard=ReplyKeyboard((("Menu",),), None),
            batch_id=batch,
            category=MessageCategory.BROADCAST,
        )
        assert await uow.outbox.enqueue(contract.message("fan-taken"))
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


@pytest.mark.parametrize("check", contract.CONTRACT, ids=lambda check: check.__name__)
async def test_contract(uow_factory: UnitOfWorkFactory, check: contract.Check) -> None:
    await check(uow_factory)


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
