"""`retiree-bot run` as deployed: a real process on each framework, by polling and by webhook, against the
emulator standing in for Telegram; it answers a user and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.testing import assert_no_violations, running_emulator

from .conftest import cli_environment

TOKEN = "123456789:" + "R" * 35


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def healthz(port: int) -> tuple[int, object]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


def _migrate(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "db", "upgrade"],
        cwd=tmp_path,
        env=cli_environment(tmp_path),
        check=True,
        capture_output=True,
        timeout=60,
    )


async def _first_reply(emulator: Emulator, process: asyncio.subprocess.Process) -> str:
    """Keep saying /start until the starting process answers (it needs a moment to come up)."""
    for _ in range(60):
        if process.returncode is not None:
            break
        try:
            calls = await emulator.user_says(4242, "/start", language_code="en", timeout=1.0)
        except TimeoutError:
            continue
        return "\n".join(str(call.params.get("text", "")) for call in calls)
    stderr = await process.stderr.read() if process.stderr else b""
    raise AssertionError(f"the bot never answered; its stderr:\n{stderr.decode(errors='replace')}")


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_serves_users_and_stops_on_sigterm(tmp_path: Path, framework: str, mode: str) -> None:
    _migrate(tmp_path)
    async with running_emulator() as emulator:
        extra = {"BOT_TOKEN": TOKEN, "BOT_FRAMEWORK": framework, "TELEGRAM_API_BASE": emulator.base_url}
        if mode == "webhook":
            port = _free_port()
            extra |= {
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "WEBHOOK_SECRET": "s3cret-token",
                "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
            }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.app.cli",
            "run",
            cwd=tmp_path,
            env=cli_environment(tmp_path, extra),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            reply = await _first_reply(emulator, process)
            assert "Welcome" in reply
            webhook = emulator.bot().webhook
            if mode == "webhook":
                assert webhook is not None
                assert webhook.url == f"http://127.0.0.1:{port}/telegram"
                assert webhook.secret_token == "s3cret-token"
                assert await healthz(port) == (200, {"database": "ok"})
            else:
                assert webhook is None
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=20)
        assert process.returncode == 0
        assert emulator.bot().webhook is None, "the webhook is removed on exit"
        assert_no_violations(emulator)
