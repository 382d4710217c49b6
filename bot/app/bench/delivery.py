"""`retiree-bot bench delivery [--json] [--quick]`: figures for the outbox delivery engine.

1. Rate within a global limit L enforced by the emulator (in a process of its own): 600 messages at L = 30
   and 10,000 at L = 1000, each to its own chat, queued in a SQLite outbox and drained by the Sender over
   aiogram. rate = messages / seconds from start to drained; ratio = rate / L; http_429 = calls the emulator
   refused for exceeding a limit during our runs (goal: 0).
2. The same messages to the same chats with aiogram-broadcaster, against the same emulator and limit.
3. peak_rss_mb: the peak resident memory (VmHWM) of a separate `retiree-bot worker --drain` process on
   aiogram (the default framework) that drains 10,000 messages; peak_rss_mb_ptb: the same on
   python-telegram-bot. The worker loads only what sending needs; `import aiogram` alone is most of the
   aiogram figure (its pydantic models build every type's schema at import).
4. enqueue_per_s: 1,000,000 rows queued through the Outbox port into a throwaway PostgreSQL database
   (BENCH_PG_URL, default the local test server), as a broadcast does: Outbox.enqueue_fanout, one
   template to 100,000 recipients a transaction. enqueue_many_per_s: the generic path
   (Outbox.enqueue_many of distinct OutboxMessages, 100,000 a transaction) on 200,000 rows. Null when no
   server answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.records import MessageCategory, OutboxMessage
from bot.emulator.client import ControlClient
from bot.i18n import I18n
from bot.progress import NO_PROGRESS, Progress
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.delivery_queue import SqlDeliveryQueue

TOKEN = "123456:AABenchDeliveryTokenXXXXXXXXXXXX"
FIRST_USER = 1_000_000
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TEXT = "Community notice: <b>tai chi</b> on Saturday, 9:00, at the activity room."


async def bench_delivery(
    settings: Settings, *, quick: bool = False, progress: Progress = NO_PROGRESS
) -> dict[str, Any]:
    # One line per message sent (aiogram-broadcaster) or per migration step would drown the figures.
    for noisy in ("aiogram_broadcaster", "alembic", "aiogram"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    small, large = (60, 1000) if quick else (600, 10_000)
    rows = 20_000 if quick else 1_000_000
    figures: dict[str, Any] = {}
    async with emulator_process(large) as (base_url, control):
        http_429 = 0
        for limit, count in ((30, small), (1000, large)):
            progress.stage(f"{count:,} messages at {limit}/s, ours then aiogram-broadcaster's")
            chats = list(range(FIRST_USER, FIRST_USER + count))
            await control.call("limits", global_per_s=limit, per_chat_per_s=1, per_group_per_min=20)
            before = len(await control.call("limit_breaches"))
            ours = await _drain_ours(base_url, chats, limit)
            http_429 += len(await control.call("limit_breaches")) - before
            # A fresh window (and a pause longer than the per-chat second) before the peer's turn.
            await asyncio.sleep(1.1)
            await control.call("limits", global_per_s=limit, per_chat_per_s=1, per_group_per_min=20)
            before = len(await control.call("limit_breaches"))
            peer = await _drain_peer(base_url, chats, limit)
            peer_429 = len(await control.call("limit_breaches")) - before
            figures[f"rate_{limit}"] = round(ours, 1)
            figures[f"ratio_{limit}"] = round(ours / limit, 3)
            figures[f"peer_rate_{limit}"] = round(peer, 1)
            figures[f"peer_ratio_{limit}"] = round(peer / limit, 3)
            figures[f"ours_vs_peer_{limit}"] = round(ours / peer, 2) if peer else None
            figures[f"peer_http_429_{limit}"] = peer_429
            await asyncio.sleep(1.1)
        figures["http_429"] = http_429
        progress.stage("the emulator's ceiling and the workers' memory")
        figures["emulator_ceiling"] = round(await _emulator_ceiling(base_url, control), 1)
        await control.call("limits", global_per_s=1000, per_chat_per_s=1, per_group_per_min=20)
        for framework, key in (("aiogram", "peak_rss_mb"), ("ptb", "peak_rss_mb_ptb")):
            await asyncio.sleep(1.1)  # the per-chat second of the previous run's chats
            drained = await _worker_rss(base_url, framework, large)
            figures[key] = drained["peak_rss_mb"]
            figures[f"worker_sent_{framework}"] = drained["sent"]
    figures["enqueue_rows"] = rows
    progress.stage(f"enqueueing {rows:,} messages")
    figures.update(await _enqueue_rates(rows, rows // 5))
    return figures


def render(figures: dict[str, Any]) -> str:
    return "\n".join(f"{key:>20}  {value}" for key, value in figures.items())


@asynccontextmanager
async def emulator_process(chats: int) -> AsyncIterator[tuple[str, ControlClient]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.bench.emulator",
        "--first-user",
        str(FIRST_USER),
        "--chats",
        str(chats),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 60)).decode().strip()
        async with ControlClient(base_url) as control:
            yield base_url, control
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def _drain_ours(base_url: str, chats: list[int], limit: int) -> float:
    from bot.app.worker import NoUpdates
    from handlers import create_transport

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await upgrade(url)
        database = Database.from_url(url)
        try:
            async with database.uow() as uow:
                await uow.outbox.enqueue_many(
                    [
                        OutboxMessage(
                            chat_id=c, category=MessageCategory.BROADCAST, dedupe_key=f"b-{c}", text=TEXT
                        )
                        for c in chats
                    ]
                )
                await uow.commit()
            transport = create_transport("aiogram", token=TOKEN, api_base=base_url, core=NoUpdates())
            config = SenderConfig(
                limits=Limits(global_per_s=limit),
                batch_size=max(100, limit),
                # Each call holds a slot of the global limit until a second after its answer, so the rate
                # is at most L / (1 s + round trip): more calls in flight than the rate needs only lengthen
                # the round trip (64 here gave 0.93 L on this machine, 32 gave 0.97 L).
                concurrency=32,
                poll_interval_s=0.02,
                flush_interval_s=0.1,
                backoff=Backoff(base_s=0.5),
                quiet_hours=QuietHours.parse("off"),
            )
            sender = Sender(
                SqlDeliveryQueue(database.sessions),
                transport.messenger,
                ActionBuilder(I18n()),
                SystemClock(),
                config,
            )
            try:
                started = time.perf_counter()
                await sender.drain(timeout=600)
                elapsed = time.perf_counter() - started
            finally:
                await transport.close()
            return sender.stats.sent / elapsed
        finally:
            await database.dispose()


async def _drain_peer(base_url: str, chats: list[int], limit: int) -> float:
    from handlers.bench.broadcaster_peer import broadcast_with_peer

    result = await broadcast_with_peer(base_url, TOKEN, chats, TEXT, limit)
    return result.rate


async def _emulator_ceiling(base_url: str, control: ControlClient) -> float:
    """sendMessage calls a second the emulator answers with no limit and 64 concurrent callers: above
    this no sender can go, whatever L says."""
    import aiohttp

    await control.call("limits")
    count = 3000
    url = f"{base_url}/bot{TOKEN}/sendMessage"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:

        async def one(i: int) -> None:
            payload = {"chat_id": FIRST_USER + i, "text": "ceiling"}
            async with session.post(url, json=payload) as response:
                await response.read()

        started = time.perf_counter()
        queue = list(range(count))

        async def worker() -> None:
            while queue:
                await one(queue.pop())

        await asyncio.gather(*(worker() for _ in range(64)))
        return count / (time.perf_counter() - started)


async def _worker_rss(base_url: str, framework: str, count: int) -> dict[str, Any]:
    """`retiree-bot worker --drain` in a process of its own, draining `count` queued messages; what it
    printed (its peak memory included)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'worker.sqlite3'}"
        await upgrade(url)
        database = Database.from_url(url)
        try:
            async with database.uow() as uow:
                template = OutboxMessage(
                    chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text=TEXT
                )
                await uow.outbox.enqueue_fanout(
                    template, ((c, None, f"w-{c}") for c in range(FIRST_USER, FIRST_USER + count))
                )
                await uow.commit()
        finally:
            await database.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "BOT_", "QUIET_"))}
        env.update(
            BOT_TOKEN=TOKEN,
            BOT_FRAMEWORK=framework,
            TELEGRAM_API_BASE=base_url,
            DATABASE_URL=url,
            DELIVERY_RATE="1000",
            DELIVERY_BATCH_SIZE="1000",
            DELIVERY_CONCURRENCY="64",
            DELIVERY_POLL_SECONDS="0.02",
            QUIET_HOURS="off",
            LOG_LEVEL="WARNING",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.app.cli",
            "worker",
            "--drain",
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(process.communicate(), 600)
        if process.returncode != 0:
            raise RuntimeError(f"the {framework} worker exited with {process.returncode}")
        result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        return result


async def _enqueue_rates(rows: int, generic_rows: int) -> dict[str, Any]:
    import asyncpg

    admin_url = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return {"enqueue_per_s": None, "enqueue_many_per_s": None}
    name = f"rb_bench_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name)
        await upgrade(url)
        database = Database.from_url(url)
        try:
            return {
                "enqueue_per_s": await _fanout_rate(database, rows),
                "enqueue_many_per_s": await _many_rate(database, generic_rows),
            }
        finally:
            await database.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


_PER_TRANSACTION = 100_000


async def _fanout_rate(database: Database, rows: int) -> int:
    template = OutboxMessage(chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text=TEXT)
    started = time.perf_counter()
    for start in range(0, rows, _PER_TRANSACTION):
        recipients = (
            (FIRST_USER + i, None, f"e-{i}") for i in range(start, min(rows, start + _PER_TRANSACTION))
        )
        async with database.uow() as uow:
            await uow.outbox.enqueue_fanout(template, recipients)
            await uow.commit()
    return round(rows / (time.perf_counter() - started))


async def _many_rate(database: Database, rows: int) -> int:
    started = time.perf_counter()
    for start in range(0, rows, _PER_TRANSACTION):
        messages = [
            OutboxMessage(
                chat_id=FIRST_USER + i, category=MessageCategory.BROADCAST, dedupe_key=f"g-{i}", text=TEXT
            )
            for i in range(start, min(rows, start + _PER_TRANSACTION))
        ]
        async with database.uow() as uow:
            await uow.outbox.enqueue_many(messages)
            await uow.commit()
    return round(rows / (time.perf_counter() - started))
