"""Shared pieces of the delivery tests: a migrated SQLite file, a sending-only transport, and
counting what the emulator received."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from bot.actions import Action
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import Account
from bot.emulator import Emulator
from bot.events import Event
from bot.ports import Clock, Limiter
from handlers import Transport, create_transport
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.parts import shared_i18n

TOKEN = "123456:AADeliveryTestTokenXXXXXXXXXXX"
KEY = re.compile(r"\[(m-[\w:-]+)\]")


class NoCore:
    async def handle(self, event: Event) -> Sequence[Action]:
        return ()


@asynccontextmanager
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'delivery.sqlite3'}"
    await upgrade(url)
    database = Database.from_url(url)
    try:
        yield database
    finally:
        await database.dispose()


@asynccontextmanager
async def sending_transport(framework: str, emu: Emulator) -> AsyncIterator[Transport]:
    transport = create_transport(framework, token=TOKEN, api_base=emu.base_url, core=NoCore())
    try:
        yield transport
    finally:
        await transport.close()


def brisk_config(rate: float, batch: int) -> SenderConfig:
    """A sender at `rate` a second that polls, records and retries within milliseconds."""
    return SenderConfig(
        limits=Limits(global_per_s=rate),
        batch_size=batch,
        concurrency=8,
        poll_interval_s=0.02,
        flush_interval_s=0.05,
        backoff=Backoff(base_s=0.05, cap_s=0.2),
        quiet_hours=QuietHours.parse("off"),
    )


def make_sender(
    database: Database,
    transport: Transport,
    config: SenderConfig,
    clock: Clock,
    *,
    limiter: Limiter | None = None,
    worker_id: str | None = None,
) -> Sender:
    return Sender(
        SqlDeliveryQueue(database.sessions),
        transport.messenger,
        ActionBuilder(shared_i18n()),
        clock,
        config,
        limiter=limiter,
        worker_id=worker_id,
    )


async def add_accounts(database: Database, user_ids: Sequence[int]) -> list[Account]:
    async with database.uow() as uow:
        accounts = [await uow.accounts.get_or_create(u, u, "en") for u in user_ids]
        await uow.commit()
    return accounts


async def queue_one_to_each(database: Database, emu: Emulator, users: Sequence[int]) -> list[Account]:
    """An account and an open chat for each user, and one message queued to each (its key m-<account id>)."""
    for user in users:
        emu.open_chat(user)
    accounts = await add_accounts(database, users)
    async with database.uow() as uow:
        await uow.outbox.enqueue_many([text_message(a, f"m-{a.id}") for a in accounts])
        await uow.commit()
    return accounts


def text_message(
    account: Account | None,
    key: str,
    *,
    chat_id: int | None = None,
    category: MessageCategory = MessageCategory.BROADCAST,
    batch_id: int | None = None,
) -> OutboxMessage:
    """A message whose text carries its dedupe key, so what the emulator got can be traced back."""
    return OutboxMessage(
        chat_id=chat_id if chat_id is not None else account.chat_id if account else 0,
        account_id=account.id if account else None,
        category=category,
        dedupe_key=key,
        text=f"Notice <b>[{key}]</b>",
        batch_id=batch_id,
    )


def delivered(emu: Emulator) -> Counter[str]:
    """Dedupe keys of the messages the emulator accepted, with how often each was accepted."""
    found: Counter[str] = Counter()
    for call in emu.calls:
        if call.ok and call.method.lower().startswith("send"):
            text = str(call.params.get("text") or call.params.get("caption") or "")
            match = KEY.search(text)
            if match:
                found[match.group(1)] += 1
    return found
