"""`GET /healthz` of `retiree-bot run` in webhook mode: 200 while the database answers, 503 once not."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.app.database import database_health
from bot.emulator.testing import running_emulator
from storage.database import Database
from tests.postgres_support import drop_database

from .conftest import cli_environment

TOKEN = "123456789:" + "H" * 35


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_health_check_pings_the_database(tmp_path: Path) -> None:
    async with Database.from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        assert await database_health(database)() == {"database": "ok"}
    async with Database.from_url(f"postgresql://retiree@127.0.0.1:{_free_port()}/nothing") as unreachable:
        assert await database_health(unreachable)() == {"database": "unreachable"}


async def _health_once(port: int) -> tuple[int, object] | None:
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status, await response.json()
    except aiohttp.ClientConnectionError:
        return None  # not listening yet


async def _health_becomes(port: int, status: int, process: asyncio.subprocess.Process) -> object:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.returncode is None:
        answer = await _health_once(port)
        if answer is not None and answer[0] == status:
            return answer[1]
        await asyncio.sleep(0.2)
    stderr = await process.stderr.read() if process.stderr and process.returncode is not None else b""
    raise AssertionError(f"/healthz never answered {status}; stderr:\n{stderr.decode(errors='replace')}")


@pytest.mark.postgres
async def test_healthz_turns_503_when_the_database_goes_away(tmp_path: Path, postgres_url: str) -> None:
    port = _free_port()
    async with running_emulator() as emulator:
        env = {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": emulator.base_url,
            "DATABASE_URL": postgres_url,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_SECRET": "health-test-secret",
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        }
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot.app.cli", "run"),
            cwd=tmp_path,
            env=cli_environment(tmp_path, env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert await _health_becomes(port, 200, process) == {"database": "ok"}
            await drop_database(postgres_url)
            assert await _health_becomes(port, 503, process) == {"database": "unreachable"}
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.communicate(), timeout=30)
