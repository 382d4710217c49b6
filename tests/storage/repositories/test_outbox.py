from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.actions import Button, InlineKeyboard, RemoveKeyboard, ReplyKeyboard
from bot.domain.records import MessageCategory, OutboxMessage, OutboxStatus
from storage.database import Database
from storage.models_outbox import OutboxRow
from storage.repositories.outbox import keyboard_from_json, keyboard_to_json


def _message(key: str, **fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "chat_id": 11,
        "category": MessageCategory.REMINDER,
        "dedupe_key": key,
        "text": "Hi",
    }
    values.update(fields)
    return OutboxMessage(**values)  # type: ignore[arg-type]


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
