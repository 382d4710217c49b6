"""`retiree-bot bench delivery [--workers W] [--json] [--quick]`: figures for the outbox delivery engine.

1. Rate of W `retiree-bot worker --drain` processes (default 3) sharing one bot's budget through Redis
   (BENCH_REDIS_URL, default the local server) on one throwaway PostgreSQL database (BENCH_PG_URL, default
   the local test server), each configured with DELIVERY_RATE = L, against the emulator (in a process of
   its own) enforcing Telegram's limit L: 600 messages at L = 30 and 30,000 at L = 1000 (half a minute of
   sending), each to its own chat. rate = the sends after the first L (which Telegram's one-second window
   lets go at once) over the seconds from the first send to the last: the rate a long run settles at
   (the workers' start-up, about a second of imports, is not delivery). A slot frees a second after its
   call's answer, so each second's sends leave in a burst as fast as the machine pushes them; the last
   burst's width is in the measured time once, the longer the run the smaller its share (which is why
   30,000: at 10,000 the same senders measure a few per cent lower, docs/performance.md).
   ratio = rate / L (goal >= 0.95); http_429 = calls the emulator
   refused for exceeding a limit (goal 0); duplicates = messages sent more than once, lost = messages
   never sent (goal 0 each), from the emulator's record of every call. load_1min_before: the machine's
   load average when the benchmark began (the figures are CPU-bound on a small shared machine).
2. The same messages to the same chats with aiogram-broadcaster (one process, its own pacing), against
   the same emulator and limit.
3. peak_rss_mb: the peak resident memory (VmHWM) of a separate `retiree-bot worker --drain` process on
   aiogram (the default framework) that drains 10,000 messages; peak_rss_mb_ptb: the same on
   python-telegram-bot. The worker loads only what sending needs; `import aiogram` alone is most of the
   aiogram figure (its pydantic models build every type's schema at import).
4. enqueue_per_s: 1,000,000 rows queued through the Outbox port into a throwaway PostgreSQL database, as a
   broadcast does: Outbox.enqueue_fanout, one template to 100,000 recipients a transaction.
   enqueue_many_per_s: the generic path (Outbox.enqueue_many of distinct OutboxMessages, 100,000 a
   transaction) on 200,000 rows.
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
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from bot.app import CommandError
from bot.config import Settings
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.emulator.client import ControlClient
from storage.database import Database
from storage.migrate import upgrade

TOKEN = "123456:AABenchDeliveryTokenXXXXXXXXXXXX"
FIRST_USER = 1_000_000
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TEXT = "Community notice: <b>tai chi</b> on Saturday, 9:00, at the activity room."


async def bench_delivery(settings: Settings, *, quick: bool = False, workers: int = 3) -> dict[str, Any]:
    # One line per message sent (aiogram-broadcaster) or per migration step would drown the figures.
    for noisy in ("aiogram_broadcaster", "alembic", "aiogram"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    small, large = (90, 3000) if quick else (600, 30_000)
    drained = 3000 if quick else 10_000
    rows = 20_000 if quick else 1_000_000
    figures: dict[str, Any] = {"workers": workers, "load_1min_before": round(os.getloadavg()[0], 2)}
    async with emulator_process(large) as (base_url, control), shared_outbox() as (pg_url, redis_url, bot):
        http_429 = duplicates = lost = 0
        for limit, count in ((30, small), (1000, large)):
            chats = list(range(FIRST_USER, FIRST_USER + count))
            await control.call("limits", global_per_s=limit, per_chat_per_s=1, per_group_per_min=20)
            before = len(await control.call("limit_breaches"))
            run = await _drain_workers(base_url, control, pg_url, redis_url, bot, chats, limit, workers)
            ours = run["rate"]
            duplicates += run["duplicates"]
            lost += run["lost"]
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
        figures["duplicates"] = duplicates
        figures["lost"] = lost
        figures["emulator_ceiling"] = round(await _emulator_ceiling(base_url, control), 1)
        await control.call("limits", global_per_s=1000, per_chat_per_s=1, per_group_per_min=20)
        for framework, key in (("aiogram", "peak_rss_mb"), ("ptb", "peak_rss_mb_ptb")):
            await asyncio.sleep(1.1)  # the per-chat second of the previous run's chats
            alone = await _worker_rss(base_url, framework, drained)
            figures[key] = alone["peak_rss_mb"]
            figures[f"worker_sent_{framework}"] = alone["sent"]
    figures["enqueue_rows"] = rows
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


@asynccontextmanager
async def shared_outbox() -> AsyncIterator[tuple[str, str, int]]:
    """A throwaway PostgreSQL database (migrated) and a bot id of its own in Redis, whose keys are
    deleted after: (database URL, Redis URL, bot id)."""
    import asyncpg
    from redis.asyncio import Redis

    admin_url = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise CommandError(f"bench delivery needs PostgreSQL at {admin_url} (BENCH_PG_URL): {exc}") from exc
    redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    bot = 7_000_000_000 + secrets.randbelow(1_000_000_000)
    name = f"rb_bench_{secrets.token_hex(6)}"
    try:
        try:
            await redis.ping()
        except (OSError, RedisError) as exc:
            raise CommandError(f"bench delivery needs Redis at {redis_url} (BENCH_REDIS_URL): {exc}") from exc
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        await upgrade(url)
        yield url, redis_url, bot
    finally:
        keys = [key async for key in redis.scan_iter(match=f"retiree-bot:{{{bot}}}:*", count=1000)]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _drain_workers(
    base_url: str,
    control: ControlClient,
    pg_url: str,
    redis_url: str,
    bot: int,
    chats: list[int],
    limit: int,
    workers: int,
) -> dict[str, Any]:
    """Queue one message to each chat, drain them with `workers` worker processes sharing the budget,
    and count from the emulator's record what went out: rate, duplicates, lost."""
    database = Database.from_url(pg_url)
    try:
        async with database.uow() as uow:
            template = OutboxMessage(chat_id=0, category=MessageCategory.BROADCAST, dedupe_key="-", text=TEXT)
            await uow.outbox.enqueue_fanout(template, ((c, None, f"r{limit}-{c}") for c in chats))
            await uow.commit()
    finally:
        await database.dispose()
    since = (await control.call("stats"))["calls"]
    env = _worker_env(base_url, pg_url, f"{bot}:{TOKEN.partition(':')[2]}", "aiogram")
    env.update(
        REDIS_URL=redis_url,
        DELIVERY_RATE=str(limit),
        DELIVERY_BATCH_SIZE=str(max(100, limit // workers)),
    )
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.app.cli",
            "worker",
            "--drain",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    results = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 900)
    for process, (_, err) in zip(processes, results, strict=True):
        if process.returncode != 0:
            raise RuntimeError(f"a worker exited with {process.returncode}: {err.decode()[-500:]}")
    calls = await control.call("calls", since=since)
    sends = [c for c in calls if c["method"] == "sendMessage" and c["ok"] and c["chat_id"] in set(chats)]
    per_chat = Counter(c["chat_id"] for c in sends)
    # Telegram counts any one-second window, so the first `limit` sends may all go at once; each send
    # after them waits for a slot a second old. Their number over the time they took is the rate a long
    # run settles at, whatever the count (counting the first ones too would flatter a short run).
    seconds = sends[-1]["at"] - sends[0]["at"] if len(sends) > limit else 0.0
    return {
        "rate": (len(sends) - limit) / seconds if seconds else 0.0,
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "lost": len(chats) - len(per_chat),
    }


def _worker_env(base_url: str, database_url: str, token: str, framework: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DELIVERY_", "BOT_", "QUIET_", "REDIS_", "DATABASE_"))
    }
    env.update(
        BOT_TOKEN=token,
        BOT_FRAMEWORK=framework,
        TELEGRAM_API_BASE=base_url,
        DATABASE_URL=database_url,
        DELIVERY_POLL_SECONDS="0.02",
        QUIET_HOURS="off",
        LOG_LEVEL="WARNING",
    )
    return env


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
        env = _worker_env(base_url, url, TOKEN, framework)
        env.update(DELIVERY_RATE="1000", DELIVERY_BATCH_SIZE="1000", DELIVERY_CONCURRENCY="64")
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
