"""Pieces of the certification end-to-end tests: a bot whose core, campaign and sender share one fake
clock, on SQLite or PostgreSQL, through either framework, against the emulator."""

from __future__ import annotations

import asyncio
import csv
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from bot.core import BotCore
from bot.domain.outbox import OutboxStatus
from bot.domain.resident_id import ResidentId
from bot.emulator import Emulator
from bot.i18n import I18n
from bot.rendering import Renderer
from bot.services.certification_campaign import Campaign
from bot.services.certification_messages import CertificationTexts
from bot.services.roster_import import import_roster, import_units
from handlers import Transport, create_transport
from scheduler.delivery import Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.models import OutboxRow
from tests.fakes import FakeClock
from tests.integration.conftest import ID_HASH_KEY, SAMPLES, TOKEN
from tests.integration.delivery_support import make_sender
from tests.parts import county_profile, shared_i18n, shared_knowledge
from tests.postgres_support import throwaway_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUIET = QuietHours(time(20, 0), time(8, 30))


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def roster() -> dict[str, tuple[str, bool]]:
    """name -> (ID number, deceased) of the fictional sample roster."""
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["姓名"]: (row["身份证号"], row["状态"] == "死亡") for row in csv.DictReader(handle)}


def id_hash(number: str) -> str:
    return ResidentId.parse(number).keyed_hash(ID_HASH_KEY)


@asynccontextmanager
async def certification_database(kind: str, tmp_path: Path, template_db: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        path = tmp_path / "bot.sqlite3"
        shutil.copyfile(template_db, path)
        database = Database.from_url(f"sqlite+aiosqlite:///{path}")
        try:
            yield database
        finally:
            await database.dispose()
        return
    async with throwaway_database() as database:
        units = await import_units(SAMPLES / "units.csv", database.uow)
        people = await import_roster(SAMPLES / "roster.csv", database.uow, ID_HASH_KEY)
        assert units.ok
        assert people.ok
        yield database


def sender_config() -> SenderConfig:
    return SenderConfig(
        limits=Limits(global_per_s=300),
        batch_size=50,
        concurrency=8,
        lease_s=30.0,
        poll_interval_s=0.01,
        send_timeout_s=2.0,
        flush_interval_s=0.01,
        backoff=Backoff(base_s=0.05, cap_s=0.2, max_attempts=5),
        quiet_hours=QUIET,
        time_zone=SHANGHAI,
    )


@dataclass
class CampaignBot:
    emu: Emulator
    database: Database
    clock: FakeClock
    core: BotCore
    transport: Transport
    campaign: Campaign
    sender: Sender

    def at(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())

    async def due(self) -> int:
        now = self.clock.now()
        async with self.database.session() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(
                    OutboxRow.status == OutboxStatus.QUEUED.value,
                    or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now),
                )
            )
        return int(count or 0)

    async def deliver(self) -> None:
        if await self.due():
            await self.sender.drain(timeout=30)

    async def tick(self, moment: datetime) -> None:
        self.at(moment)
        await self.campaign.tick(self.clock.now())
        await self.deliver()

    async def says(self, user_id: int, text: str) -> None:
        await self.emu.user_says(user_id, text, language_code="en")
        await self.transport.join()

    async def presses(self, user_id: int, callback_data: str) -> None:
        """Press the newest button with this callback data in the user's chat."""
        for message in reversed(self.emu.messages(user_id)):
            for row in message.inline_buttons:
                for button in row:
                    if button.get("callback_data") == callback_data:
                        await self.emu.user_presses(user_id, message.message_id, callback_data)
                        await self.transport.join()
                        return
        raise AssertionError(f"no button {callback_data!r} in chat {user_id}")

    async def presses_labelled(self, user_id: int, label_part: str) -> None:
        for message in reversed(self.emu.messages(user_id)):
            for row in message.inline_buttons:
                for button in row:
                    if label_part in button.get("text", ""):
                        await self.emu.user_presses(user_id, message.message_id, button["callback_data"])
                        await self.transport.join()
                        return
        raise AssertionError(f"no button like {label_part!r} in chat {user_id}")

    async def sends_photo(self, user_id: int) -> None:
        start = len(self.emu.calls)
        await self.emu.send_photo(user_id)
        await self.emu.wait_for(
            lambda: any(c.chat_id == user_id and c.method == "sendMessage" for c in self.emu.calls[start:]),
            timeout=5,
        )
        await self.emu.wait_quiet(user_id, None, 5)


@asynccontextmanager
async def campaign_bot(
    framework: str, emu: Emulator, database: Database, clock: FakeClock, i18n: I18n | None = None
) -> AsyncIterator[CampaignBot]:
    i18n = i18n or shared_i18n()
    profile = county_profile()
    core = BotCore(
        uow_factory=database.uow,
        clock=clock,
        id_hash_key=ID_HASH_KEY,
        i18n=i18n,
        profile=profile,
        knowledge=shared_knowledge(),
    )
    transport = create_transport(framework, token=TOKEN, api_base=emu.base_url, core=core, poll_timeout=1)
    stop = asyncio.Event()
    task = asyncio.create_task(transport.run_polling(stop))
    try:
        await emu.wait_for(lambda: emu.poll_count > 0 or task.done(), timeout=10)
        campaign = Campaign(database.uow, i18n, CertificationTexts(Renderer(i18n), profile))
        sender = make_sender(database, transport, sender_config(), clock)
        yield CampaignBot(emu, database, clock, core, transport, campaign, sender)
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, 10)
        finally:
            await transport.close()


def sent_rows(rows: list[Any], prefix: str) -> list[Any]:
    return [r for r in rows if r.dedupe_key.startswith(prefix)]
