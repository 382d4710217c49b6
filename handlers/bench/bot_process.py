"""One bot under measurement, in a process of its own so that its peak RSS is its own:
`python -m handlers.bench.bot_process VARIANT FRAMEWORK API_BASE DATABASE_URL CORE_CONCURRENCY`.

VARIANT is `ours` (BotCore on the database, through our transport), `transport` (our transport with a
stand-in core: what the transport alone costs) or `echo` (the framework's bare echo bot). The process
polls until its standard input ends, then prints {"peak_rss_mb": ...}. `BotProcess` is the parent's handle.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bot.actions import Action, ReplyKeyboard, SendText
from bot.config import Framework
from bot.events import Event
from bot.flows import buttons
from bot.memory import peak_rss_mb, settle_heap

TOKEN = "4242:bench-token-for-the-emulator-only"
POLL_TIMEOUT = 1
VARIANTS = ("ours", "transport", "echo")

Runner = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class _TransportOnlyCore:
    """Answers like the menu does, without the core."""

    async def handle(self, event: Event) -> list[Action]:
        keyboard = ReplyKeyboard(((buttons.POLICY, buttons.CERTIFICATION), (buttons.HELP,)))
        return [SendText(event.chat_id, "<b>Main menu</b>", keyboard)]


async def _serve(variant: str, framework: Framework, api_base: str, url: str, concurrency: int) -> None:
    # The frameworks log every update at INFO; at thousands per second that is the benchmark.
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    stop = asyncio.Event()
    closers: list[Callable[[], Coroutine[Any, Any, None]]] = []
    runner: Runner
    if variant == "echo":
        runner = _echo_runner(framework, api_base)
    else:
        from handlers import create_transport

        core: Any
        if variant == "ours":
            from bot.clock import SystemClock
            from bot.core import BotCore
            from bot.i18n import I18n
            from bot.knowledge.provider import KnowledgeProvider
            from bot.services.certification_profile import load_profile
            from storage.database import Database

            database = Database.from_url(url)
            closers.append(database.dispose)
            i18n = I18n(default_locale="en")
            core = BotCore(
                uow_factory=database.uow,
                clock=SystemClock(),
                id_hash_key=b"bench-only-key",
                i18n=i18n,
                profile=load_profile(),
                knowledge=KnowledgeProvider(i18n=i18n),
            )
        else:
            core = _TransportOnlyCore()
        transport = create_transport(
            framework,
            token=TOKEN,
            api_base=api_base,
            core=core,
            poll_timeout=POLL_TIMEOUT,
            core_concurrency=concurrency,
        )
        closers.insert(0, transport.close)
        runner = transport.run_polling
    settle_heap()  # as `retiree-bot run` does once started, for every variant alike
    polling = asyncio.create_task(runner(stop))
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    print("ready", flush=True)
    await reader.read()
    stop.set()
    await polling
    for close in closers:
        await close()
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)


def _echo_runner(framework: Framework, api_base: str) -> Runner:
    if framework is Framework.AIOGRAM:
        from handlers.bench.echo_aiogram import run_echo as run_aiogram

        return lambda stop: run_aiogram(TOKEN, api_base, stop, POLL_TIMEOUT)
    from handlers.bench.echo_ptb import run_echo as run_ptb

    return lambda stop: run_ptb(TOKEN, api_base, stop, POLL_TIMEOUT)


class BotProcess:
    """`async with BotProcess(...)` starts the bot and waits until it runs; `peak_rss_mb` is set on exit."""

    def __init__(
        self, variant: str, framework: Framework, api_base: str, url: str, core_concurrency: int
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}")
        self._args = [variant, framework.value, api_base, url, str(core_concurrency)]
        self._child: asyncio.subprocess.Process | None = None
        self.peak_rss_mb = 0.0

    async def __aenter__(self) -> BotProcess:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "handlers.bench.bot_process",
            *self._args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._child.stdout is not None
        if (await self._child.stdout.readline()).strip() != b"ready":
            raise RuntimeError(
                f"the {self._args[0]} bot did not start (exit status {await self._child.wait()})"
            )
        return self

    async def __aexit__(self, *_: object) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        # Closing its input stops the bot (communicate() without input leaves it open).
        assert child.stdin is not None
        child.stdin.close()
        out = (await asyncio.wait_for(child.communicate(), timeout=60))[0]
        if child.returncode == 0 and out.strip():
            self.peak_rss_mb = float(json.loads(out.strip().splitlines()[-1])["peak_rss_mb"])


if __name__ == "__main__":  # pragma: no cover - run by BotProcess
    variant, framework, api_base, url, concurrency = sys.argv[1:6]
    asyncio.run(_serve(variant, Framework(framework), api_base, url, int(concurrency)))
