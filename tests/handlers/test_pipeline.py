from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.actions import Action, AnswerCallback, EditText, SendDocument, SendText
from bot.events import Event, EventKind
from bot.ports import DeliveryError, RateLimited, RecipientBlocked
from handlers.pipeline import UpdatePipeline


class ScriptedCore:
    def __init__(self, actions: Sequence[Action], fail: bool = False) -> None:
        self.actions = actions
        self.fail = fail
        self.seen: list[int] = []

    async def handle(self, event: Event) -> Sequence[Action]:
        self.seen.append(event.update_id)
        if self.fail:
            raise RuntimeError("core bug")
        return self.actions


class RecordingMessenger:
    def __init__(self, failures: dict[int, list[Exception]] | None = None) -> None:
        self.failures = failures or {}
        self.sent: list[Action] = []
        self.attempts = 0

    async def execute(self, action: Action) -> int | None:
        self.attempts += 1
        pending = self.failures.get(len(self.sent), [])
        if pending:
            raise pending.pop(0)
        self.sent.append(action)
        return len(self.sent)


class RecordingLimiter:
    """Records the slots taken (chat, whether ahead of the line) and the pauses asked for."""

    shared = False

    def __init__(self) -> None:
        self.slots: list[tuple[int, bool]] = []
        self.paused: list[float] = []
        self.pauses = 0

    @asynccontextmanager
    async def slot(
        self, chat_id: int, stop: asyncio.Event | None = None, *, reply: bool = False
    ) -> AsyncIterator[None]:
        self.slots.append((chat_id, reply))
        yield

    def pause(self, seconds: float) -> None:
        self.pauses += 1
        self.paused.append(seconds)


def event(update_id: int = 1, chat_id: int = 5) -> Event:
    return Event(update_id=update_id, kind=EventKind.TEXT, chat_id=chat_id, user_id=chat_id, text="hi")


ACTIONS = (AnswerCallback("cb"), SendText(5, "one"), SendText(5, "two"))


async def test_actions_are_executed_in_order() -> None:
    messenger = RecordingMessenger()
    pipeline = UpdatePipeline(ScriptedCore(ACTIONS), messenger)

    await pipeline.submit(event())
    await pipeline.join()

    assert messenger.sent == list(ACTIONS)


async def test_a_blocked_recipient_stops_the_remaining_actions() -> None:
    messenger = RecordingMessenger({1: [RecipientBlocked("sendMessage", "Forbidden: bot was blocked")]})
    pipeline = UpdatePipeline(ScriptedCore(ACTIONS), messenger)

    await pipeline.process(event())

    assert messenger.sent == [ACTIONS[0]]


async def test_another_failure_skips_only_that_action() -> None:
    messenger = RecordingMessenger({0: [DeliveryError("answerCallbackQuery", "Bad Request: whatever")]})
    pipeline = UpdatePipeline(ScriptedCore(ACTIONS), messenger)

    await pipeline.process(event())

    assert messenger.sent == list(ACTIONS[1:])


async def test_a_short_rate_limit_is_waited_out() -> None:
    messenger = RecordingMessenger({1: [RateLimited("sendMessage", "Too Many Requests", 0.01)]})
    pipeline = UpdatePipeline(ScriptedCore(ACTIONS), messenger)

    await pipeline.process(event())

    assert messenger.sent == list(ACTIONS)
    assert messenger.attempts == 4


async def test_a_long_rate_limit_gives_up_on_that_action() -> None:
    messenger = RecordingMessenger({1: [RateLimited("sendMessage", "Too Many Requests", 60)]})
    pipeline = UpdatePipeline(ScriptedCore(ACTIONS), messenger)

    await pipeline.process(event())

    assert messenger.sent == [ACTIONS[0], ACTIONS[2]]


async def test_a_core_failure_is_logged_with_ids_only(caplog: pytest.LogCaptureFixture) -> None:
    messenger = RecordingMessenger()
    core = ScriptedCore(ACTIONS, fail=True)
    pipeline = UpdatePipeline(core, messenger)

    await pipeline.process(event(update_id=99, chat_id=123))

    assert messenger.sent == []
    record = next(r for r in caplog.records if r.name == "handlers.pipeline")
    assert "99" in record.getMessage()
    assert "hi" not in record.getMessage()


async def test_an_export_written_to_a_file_is_deleted_once_sent_or_given_up(tmp_path: Path) -> None:
    sent_file, failed_file = tmp_path / "sent.csv", tmp_path / "failed.csv"
    sent_file.write_bytes(b"a,b\n")
    failed_file.write_bytes(b"a,b\n")
    actions = (SendDocument(5, "sent.csv", sent_file), SendDocument(5, "failed.csv", failed_file))
    messenger = RecordingMessenger({1: [DeliveryError("sendDocument", "Bad Request: whatever")]})

    await UpdatePipeline(ScriptedCore(actions), messenger).process(event())

    assert messenger.sent == [actions[0]]
    assert not sent_file.exists()
    assert not failed_file.exists()


async def test_a_reply_that_posts_a_message_takes_its_slot_first_in_the_sending_budget() -> None:
    limiter = RecordingLimiter()
    messenger = RecordingMessenger()
    actions = (AnswerCallback("cb"), EditText(5, 10, "edited"), SendText(5, "one"), SendText(5, "two"))
    pipeline = UpdatePipeline(ScriptedCore(actions), messenger, limiter=limiter)

    await pipeline.submit(event())
    await pipeline.join()

    assert messenger.sent == list(actions)
    # Telegram counts posted messages against the limits, not edits or answers to a button.
    assert limiter.slots == [(5, True), (5, True)]


async def test_a_429_on_a_reply_pauses_every_send_of_the_budget() -> None:
    limiter = RecordingLimiter()
    messenger = RecordingMessenger({0: [RateLimited("sendMessage", "Too Many Requests", 0.01)]})
    pipeline = UpdatePipeline(ScriptedCore((SendText(5, "one"),)), messenger, limiter=limiter)

    await pipeline.submit(event())
    await pipeline.join()

    assert limiter.paused == [0.01]
    assert len(messenger.sent) == 1
