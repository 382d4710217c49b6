"""`retiree-bot bench updates`: our full stack (SQLite, BotCore, a transport) against the bare echo bot
of the same framework, driven by the same simulated users through one emulator. The emulator and the
users run in a process of their own (handlers/bench/load_process.py): this process is the bot's alone."""

from __future__ import annotations

import asyncio
import logging
import resource
import tempfile
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

from bot.actions import Action, ReplyKeyboard, SendText
from bot.clock import SystemClock
from bot.config import Framework
from bot.core import BotCore
from bot.domain.records import AccountRole, RetireeRecord, UnitKind
from bot.events import Event
from bot.flows import buttons
from handlers import create_transport
from handlers.bench.driver import LoadResult
from handlers.bench.load_process import LoadProcess
from handlers.pipeline import DEFAULT_CORE_CONCURRENCY
from storage.database import Database
from storage.migrate import upgrade

TOKEN = "4242:bench-token-for-the-emulator-only"
POLL_TIMEOUT = 1
FIRST_USER = 700_000

Runner = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class _TransportOnlyCore:
    """Answers like the menu does, without the core: what the transport alone costs."""

    async def handle(self, event: Event) -> list[Action]:
        keyboard = ReplyKeyboard(((buttons.POLICY, buttons.CERTIFICATION), (buttons.HELP,)))
        return [SendText(event.chat_id, "<b>Main menu</b>", keyboard)]


async def _seed(database: Database, users: list[int]) -> None:
    async with database.uow() as uow:
        await uow.units.upsert("B", "Bench city", UnitKind.CITY, None)
        await uow.units.upsert("BD", "Bench district", UnitKind.DISTRICT, "B")
        await uow.units.upsert("BDS", "Bench street", UnitKind.STREET, "BD")
        await uow.units.upsert("BDSC", "Bench community", UnitKind.COMMUNITY, "BDS")
        for user in users:
            record = RetireeRecord(
                name=f"Bench {user}",
                id_hash=f"bench-{user}",
                id_masked="2101**********000X",
                birth_date=date(1950, 1, 1),
                retirement_date=date(2010, 1, 1),
                community_code="BDSC",
            )
            await uow.retirees.upsert(record)
            retiree = await uow.retirees.find_by_id_hash(record.id_hash)
            account = await uow.accounts.get_or_create(user, user, "en")
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree.id if retiree else None)
        await uow.commit()


async def _measure(
    load: LoadProcess, runner: Runner, users: list[int], per_user: int, warmup: int
) -> LoadResult:
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop))
    try:
        return await load.measure(users, per_user, warmup)
    finally:
        stop.set()
        await task


async def bench_updates(
    framework: Framework | str,
    n: int = 2000,
    *,
    users: int = 200,
    data_dir: Path | None = None,
    core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
) -> dict[str, Any]:
    """Push `n` menu texts from `users` registered retirees through our stack, through our transport with
    a stand-in core, then through the bare echo bot; returns {framework, ours_per_s, echo_per_s, ratio,
    p50_ms, p99_ms, peak_rss_mb, transport_only_per_s, ...}. Latency is from the user's message reaching
    the emulator to the bot's first reply in that chat."""
    framework = Framework(framework)
    users = max(1, min(users, n))
    per_user = max(1, n // users)
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    warmup = min(users, 20)
    # The frameworks log every update at INFO; at thousands per second that is the benchmark.
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await upgrade(url)
        database = Database.from_url(url)
        await _seed(database, user_ids)
        core = BotCore(
            uow_factory=database.uow, clock=SystemClock(), id_hash_key=b"bench-only-key", default_locale="en"
        )
        async with LoadProcess() as load:
            transport = create_transport(
                framework,
                token=TOKEN,
                api_base=load.base_url,
                core=core,
                poll_timeout=POLL_TIMEOUT,
                core_concurrency=core_concurrency,
            )
            try:
                ours = await _measure(load, transport.run_polling, user_ids, per_user, warmup)
            finally:
                await transport.close()
                await database.dispose()
            # The bot's own peak, before the other two bots run in this process.
            peak_rss_mb = _peak_rss_mb()
            bare = create_transport(
                framework, token=TOKEN, api_base=load.base_url, core=_TransportOnlyCore(), poll_timeout=1
            )
            try:
                transport_only = await _measure(load, bare.run_polling, user_ids, per_user, warmup)
            finally:
                await bare.close()
            echo = await _measure(load, _echo_runner(framework, load.base_url), user_ids, per_user, warmup)
            violations = load.violations
    return {
        "framework": framework.value,
        "updates": ours.updates,
        "users": users,
        "ours_per_s": round(ours.per_second, 1),
        "echo_per_s": round(echo.per_second, 1),
        "ratio": round(ours.per_second / echo.per_second, 3) if echo.per_second else 0.0,
        "transport_only_per_s": round(transport_only.per_second, 1),
        "p50_ms": round(ours.percentile(0.50), 1),
        "p99_ms": round(ours.percentile(0.99), 1),
        "echo_p50_ms": round(echo.percentile(0.50), 1),
        "echo_p99_ms": round(echo.percentile(0.99), 1),
        "peak_rss_mb": peak_rss_mb,
        "violations": violations,
    }


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _echo_runner(framework: Framework, api_base: str) -> Runner:
    if framework is Framework.AIOGRAM:
        from handlers.bench.echo_aiogram import run_echo as run_aiogram

        return lambda stop: run_aiogram(TOKEN, api_base, stop, POLL_TIMEOUT)
    from handlers.bench.echo_ptb import run_echo as run_ptb

    return lambda stop: run_ptb(TOKEN, api_base, stop, POLL_TIMEOUT)


def main() -> None:  # pragma: no cover - a convenience until the CLI command lands
    import json
    import sys

    framework = sys.argv[1] if len(sys.argv) > 1 else "aiogram"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_CORE_CONCURRENCY
    print(json.dumps(asyncio.run(bench_updates(framework, n, core_concurrency=concurrency))))


if __name__ == "__main__":  # pragma: no cover
    main()
