"""Fixtures running the real transports (aiogram and PTB) against the emulator, with a real BotCore on a
real SQLite database built from the sample roster."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Framework
from bot.core import BotCore
from bot.emulator import Emulator, RecordedCall
from bot.emulator.testing import assert_no_violations, running_emulator
from bot.ports import Limiter
from bot.services.roster_import import import_roster, import_units
from handlers import Transport, create_transport
from storage.database import Database
from storage.migrate import upgrade
from tests.parts import county_profile, shared_i18n, shared_knowledge

TOKEN = "123456:AAIntegrationTestTokenXXXXXXXX"
ID_HASH_KEY = b"integration-test-id-hash-key"
WEBHOOK_SECRET = "integration-webhook-secret"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FRAMEWORKS = [Framework.AIOGRAM.value, Framework.PTB.value]
STOP_TIMEOUT = 10.0


class MovableClock:
    """The real time plus an offset the test may advance (for the registration lock's hour)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class BotApp:
    framework: str
    emu: Emulator
    database: Database
    db_path: Path
    core: BotCore
    clock: MovableClock
    transport: Transport
    webhook_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def says(self, user_id: int, text: str, **kwargs: Any) -> list[RecordedCall]:
        kwargs.setdefault("language_code", "en")
        start = len(self.emu.calls)
        await self.emu.user_says(user_id, text, **kwargs)
        return await replies(self.emu, self.transport, kwargs.get("chat_id") or user_id, start)

    async def presses(self, user_id: int, message_id: int, data: str) -> list[RecordedCall]:
        start = len(self.emu.calls)
        await self.emu.user_presses(user_id, message_id, data)
        return await replies(self.emu, self.transport, user_id, start)


async def replies(emu: Emulator, transport: Transport, chat_id: int, start: int) -> list[RecordedCall]:
    """The bot's calls to `chat_id` since call number `start`, once the transport has handled every update
    it received. The emulator's own test (a short quiet spell after the bot's first call) can end between
    two calls of one reply (deleting the ID message, then "You are registered") on a busy machine."""
    await asyncio.wait_for(transport.join(), STOP_TIMEOUT)
    return [call for call in emu.calls[start:] if call.chat_id == chat_id]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once and loaded with the sample units and roster; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"

    async def build() -> None:
        await upgrade(sqlite_url(path))
        database = Database.from_url(sqlite_url(path))
        try:
            units = await import_units(SAMPLES / "units.csv", database.uow)
            roster = await import_roster(SAMPLES / "roster.csv", database.uow, ID_HASH_KEY)
            assert not units.errors
            assert not roster.errors
        finally:
            await database.dispose()

    asyncio.run(build())
    return path


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with running_emulator() as emu:
        yield emu
        assert_no_violations(emu)


@pytest.fixture
async def database(tmp_path: Path, template_db: Path) -> AsyncIterator[Database]:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(template_db, path)
    db = Database.from_url(sqlite_url(path))
    yield db
    await db.dispose()


def make_core(database: Database, clock: MovableClock) -> BotCore:
    return BotCore(
        uow_factory=database.uow,
        clock=clock,
        id_hash_key=ID_HASH_KEY,
        i18n=shared_i18n(),
        profile=county_profile(),
        knowledge=shared_knowledge(),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _stop(task: asyncio.Task[None], stop: asyncio.Event, transport: Transport) -> None:
    stop.set()
    try:
        await asyncio.wait_for(task, STOP_TIMEOUT)
    finally:
        await transport.close()


@asynccontextmanager
async def running_bot(
    framework: str,
    emu: Emulator,
    database: Database,
    *,
    webhook: bool = False,
    prepare: Callable[[Transport], None] | None = None,
    limiter: Limiter | None = None,
) -> AsyncIterator[BotApp]:
    """The real transport of `framework`, polling (or serving a webhook) until the block ends.
    `prepare` may adjust the transport before it starts (e.g. to simulate a lost webhook answer);
    `limiter`: the sending budget its replies draw on."""
    clock = MovableClock()
    core = make_core(database, clock)
    transport = create_transport(
        framework, token=TOKEN, api_base=emu.base_url, core=core, poll_timeout=1, limiter=limiter
    )
    if prepare is not None:
        prepare(transport)
    stop = asyncio.Event()
    db_path = Path(str(database.engine.url.database))
    app = BotApp(framework, emu, database, db_path, core, clock, transport)
    if webhook:
        port = free_port()
        app.webhook_url = f"http://127.0.0.1:{port}/telegram/{framework}"
        runner = transport.run_webhook(
            url=app.webhook_url, secret=WEBHOOK_SECRET, host="127.0.0.1", port=port, stop=stop
        )
        ready: Callable[[], bool] = lambda: emu.bot().webhook is not None  # noqa: E731
    else:
        runner = transport.run_polling(stop)
        ready = lambda: emu.poll_count > 0  # noqa: E731
    task = asyncio.create_task(runner)
    try:
        await emu.wait_for(lambda: ready() or task.done(), timeout=STOP_TIMEOUT)
        if task.done():
            task.result()
        yield app
    finally:
        await _stop(task, stop, transport)


@pytest.fixture(params=FRAMEWORKS)
async def bot_app(
    request: pytest.FixtureRequest, emulator: Emulator, database: Database
) -> AsyncIterator[BotApp]:
    async with running_bot(request.param, emulator, database) as app:
        yield app


@pytest.fixture(params=FRAMEWORKS)
async def webhook_app(
    request: pytest.FixtureRequest, emulator: Emulator, database: Database
) -> AsyncIterator[BotApp]:
    async with running_bot(request.param, emulator, database, webhook=True) as app:
        yield app
