"""`retiree-bot bench load [--users N] [--seconds S] [--json]`: people using the bot, through
`retiree-bot run` on PostgreSQL, against the emulator.

N registered retirees (default 1,000) each press the reply-keyboard buttons the bot shows them or write a
question, wait for the answer, think 1-5 s and act again, for S seconds (default 60); the emulator and the
people run in a process of their own (load_users.py). Measured twice on one throwaway PostgreSQL database:

1. one `retiree-bot run` process, long polling: users, updates, p50_ms, p99_ms (goal p99 < 1,000 ms; from
   a person's message reaching the emulator to the bot's first message in that chat), unanswered (no answer
   within 30 s; goal 0), errors (calls the emulator refused plus ERROR lines the bot logged; goal 0),
   peak_rss_mb (VmHWM of the `run` process);
2. the same load on two `run` processes in webhook mode behind a small round-robin proxy in this benchmark
   (as nginx would be), sharing the sending budget through Redis: the same keys with a `_2` suffix
   (peak_rss_mb_2 is the larger of the two).

Every reply draws on the bot's sending budget, which `run` here is given as DELIVERY_RATE = 1000 a second
(what Telegram lets a bot with paid broadcasts send; the emulator sets no limit): 1,000 people acting every
1-5 s write about 330 times a second, and at the default budget of 30 a second one bot answers 30 of them.

load_1min_before: the machine's load average when the benchmark began: on a small shared machine the
latencies say as much about the other work as about the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.app.bench.delivery import shared_outbox
from handlers.bench.child import JsonLinesChild
from handlers.bench.seed import prepare_in_child

FIRST_USER = 3_000_000
WEBHOOK_SECRET = "bench-load-webhook-secret"
TOKEN_SECRET = "AABenchLoadTokenXXXXXXXXXXXXXXXXXX"
WARMUP = 5


async def bench_load(users: int = 1000, seconds: float = 60.0) -> dict[str, Any]:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    figures: dict[str, Any] = {"users": users, "load_1min_before": round(os.getloadavg()[0], 2)}
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    async with shared_outbox() as (pg_url, redis_url, bot):
        await prepare_in_child(pg_url, FIRST_USER, users)
        token = f"{bot}:{TOKEN_SECRET}"
        async with LoadUsers(bot) as load:
            env = _env(load.base_url, pg_url, token)
            async with run_processes([env]) as runs:
                one = await load.measure(user_ids, seconds, seed=1)
            figures.update(_figures(one, runs, ""))
            ports = [_free_port(), _free_port()]
            async with round_robin([f"http://127.0.0.1:{port}" for port in ports]) as front:
                envs = [
                    {
                        **env,
                        "REDIS_URL": redis_url,
                        "WEBHOOK_URL": f"{front}/telegram",
                        "WEBHOOK_SECRET": WEBHOOK_SECRET,
                        "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                    }
                    for port in ports
                ]
                async with run_processes(envs) as runs:
                    two = await load.measure(user_ids, seconds, seed=2)
            figures.update(_figures(two, runs, "_2"))
    return figures


def render(figures: dict[str, Any]) -> str:
    return "\n".join(f"{key:>18}  {value}" for key, value in figures.items())


def _figures(result: dict[str, Any], runs: list[RunProcess], suffix: str) -> dict[str, Any]:
    latencies = sorted(result["latencies_ms"])

    def percentile(fraction: float) -> float:
        if not latencies:
            return 0.0
        return round(float(latencies[min(len(latencies) - 1, int(fraction * len(latencies)))]), 1)

    return {
        f"updates{suffix}": result["updates"],
        f"p50_ms{suffix}": percentile(0.50),
        f"p99_ms{suffix}": percentile(0.99),
        f"unanswered{suffix}": result["unanswered"],
        f"errors{suffix}": result["violations"] + sum(run.errors for run in runs),
        f"peak_rss_mb{suffix}": max(run.peak_rss_mb for run in runs),
    }


def _env(base_url: str, database_url: str, token: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DELIVERY_", "BOT_", "QUIET_", "REDIS_", "DATABASE_", "WEBHOOK_"))
    }
    env.update(
        BOT_TOKEN=token,
        TELEGRAM_API_BASE=base_url,
        DATABASE_URL=database_url,
        ID_HASH_KEY="bench-load-id-hash-key",
        LOG_LEVEL="WARNING",
        DELIVERY_RATE="1000",
    )
    return env


class LoadUsers:
    """Starts `python -m bot.app.bench.load_users` and asks it for measurements."""

    def __init__(self, bot: int) -> None:
        # One latency per update on the answer's line.
        self._child = JsonLinesChild(
            "bot.app.bench.load_users",
            str(bot),
            what="the simulated users' process",
            line_limit=64 * 1024 * 1024,
        )
        self.base_url = ""

    async def __aenter__(self) -> LoadUsers:
        self.base_url = (await self._child.start())["base_url"]
        return self

    async def measure(self, users: list[int], seconds: float, *, seed: int) -> dict[str, Any]:
        return await self._child.ask({"users": users, "seconds": seconds, "warmup": WARMUP, "seed": seed})

    async def __aexit__(self, *_: object) -> None:
        await self._child.stop()


class RunProcess:
    """One `retiree-bot run`; its peak memory is read from /proc before it stops, its ERROR lines counted."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.peak_rss_mb = 0.0
        self.errors = 0
        self.stderr = b""

    def read_peak(self) -> None:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_mb = round(int(line.split()[1]) / 1024, 1)

    async def stop(self) -> None:
        self.read_peak()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = await asyncio.wait_for(self.process.communicate(), 60)
        except TimeoutError:
            self.process.kill()
            _, self.stderr = await self.process.communicate()
        self.errors = sum(
            1 for line in self.stderr.decode(errors="replace").splitlines() if " ERROR " in line
        )


@asynccontextmanager
async def run_processes(envs: list[dict[str, str]]) -> AsyncIterator[list[RunProcess]]:
    runs = []
    try:
        for env in envs:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.app.cli",
                "run",
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            runs.append(RunProcess(process))
        yield runs
        for run in runs:
            if run.process.returncode is not None:
                raise RuntimeError(f"a `run` process exited early with {run.process.returncode}")
    finally:
        await asyncio.gather(*(run.stop() for run in runs))


@asynccontextmanager
async def round_robin(backends: list[str]) -> AsyncIterator[str]:
    """A small reverse proxy on 127.0.0.1 sending each request to the next backend in turn, as nginx's
    round robin does; a backend that does not answer gets the request's retry from Telegram."""
    turn = itertools.cycle(backends)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        try:
            async with session.request(
                request.method, next(turn) + request.path_qs, data=body, headers=headers
            ) as answer:
                return web.Response(status=answer.status, body=await answer.read())
        except (aiohttp.ClientError, OSError):
            return web.Response(status=502)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
        await session.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
