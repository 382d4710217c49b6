"""`retiree-bot doctor` as an operator runs it: a real process against the emulator standing in for Telegram,
one line per check, exit status 1 on any problem, and never a secret in what it prints."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.testing import running_emulator
from storage.database import Database
from storage.repositories.instances import Instance, SqlInstances
from storage.schema import HEAD_REVISION

from .conftest import CliRunner, cli_environment

TOKEN = "123456789:" + "D" * 35
ID_HASH_KEY = "cli-test-key"


@dataclass(frozen=True)
class Doctor:
    returncode: int
    lines: list[str]
    stderr: str

    def line(self, check: str) -> str:
        """The one line of `check` (for settings: `setting NAME`)."""
        found = [line for line in self.lines if line[5:].startswith(f"{check}: ")]
        assert len(found) == 1, f"no single {check!r} line in:\n" + "\n".join(self.lines)
        return found[0]

    def failed(self) -> list[str]:
        return [line.split(":")[0].removeprefix("FAIL ") for line in self.lines if line.startswith("FAIL")]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One knowledge-base index cache for the module: each doctor run loads it in a fraction of a second."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def migrated(cli: CliRunner) -> None:
    done = cli("db", "upgrade")
    assert done.returncode == 0, done.stderr


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def doctor(tmp_path: Path, cache_dir: Path, env: Mapping[str, str]) -> Doctor:
    # Not subprocess.run: the emulator answers from this test's event loop, which must keep running.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        "doctor",
        cwd=tmp_path,
        env=cli_environment(tmp_path, {"XDG_CACHE_HOME": str(cache_dir), **env}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    result = Doctor(process.returncode, stdout.decode().splitlines(), stderr.decode())
    assert "Traceback" not in result.stderr
    for secret in (TOKEN, TOKEN.partition(":")[2], ID_HASH_KEY):
        assert secret not in "\n".join(result.lines) + result.stderr
    return result


def _telegram(emulator: Emulator, **extra: str) -> dict[str, str]:
    return {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": emulator.base_url, **extra}


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
async def test_a_ready_installation_passes_every_check(
    tmp_path: Path, cache_dir: Path, migrated: None, framework: str
) -> None:
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator, BOT_FRAMEWORK=framework))

    assert done.returncode == 0, "\n".join(done.lines)
    assert [line.split(":")[0] for line in done.lines] == [
        "ok   settings",
        "ok   database",
        "ok   migrations",
        "ok   instances",
        "ok   region profile",
        "ok   knowledge base",
        "ok   token",
        "ok   webhook",
    ]
    assert f"@{emulator.bot_username}" in done.line("token")
    assert HEAD_REVISION in done.line("migrations")
    assert "`run` polls" in done.line("webhook")
    assert "none running; start `retiree-bot run`" in done.line("instances")
    assert [call.method for call in emulator.calls] == ["getMe", "getWebhookInfo"]


async def test_a_token_telegram_refuses_is_named(tmp_path: Path, cache_dir: Path, migrated: None) -> None:
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator, BOT_TOKEN="123456789:revoked"))

    assert done.returncode == 1
    assert done.failed() == ["token"]
    assert "BOT_TOKEN" in done.line("token")
    assert "@BotFather" in done.line("token")
    assert done.line("webhook").startswith("skip")
    assert "revoked" not in "\n".join(done.lines)


async def test_an_unreachable_bot_api_fails_without_waiting_long(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    api = f"http://127.0.0.1:{_closed_port()}"
    done = await doctor(tmp_path, cache_dir, {"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": api})

    assert done.returncode == 1
    assert done.failed() == ["token"]
    assert f"cannot reach {api}" in done.line("token")


async def test_a_database_at_an_older_revision_asks_for_db_upgrade(
    tmp_path: Path, cache_dir: Path, migrated: None, cli: CliRunner
) -> None:
    assert cli("db", "downgrade").returncode == 0
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator))

    assert done.returncode == 1
    assert done.failed() == ["migrations"]
    line = done.line("migrations")
    assert "1 migration behind" in line
    assert "run `retiree-bot db upgrade`" in line


async def test_a_missing_sqlite_file_is_not_created(tmp_path: Path, cache_dir: Path) -> None:
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator))

    assert done.failed() == ["database"]
    assert "no database file at" in done.line("database")
    assert "retiree-bot db upgrade" in done.line("database")
    assert done.line("migrations").startswith("skip")
    assert not (tmp_path / "bot.sqlite3").exists()


async def test_an_unreachable_database_is_named_with_its_password_masked(
    tmp_path: Path, cache_dir: Path
) -> None:
    url = f"postgresql+asyncpg://retiree:pa55-w0rd-secret@127.0.0.1:{_closed_port()}/retiree_bot"
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator, DATABASE_URL=url))

    assert done.returncode == 1
    assert done.failed() == ["database"]
    line = done.line("database")
    assert "retiree:***@127.0.0.1" in line
    assert "does not answer" in line
    assert "pa55-w0rd" not in "\n".join(done.lines) + done.stderr
    assert done.line("migrations").startswith("skip")
    assert done.line("token").startswith("ok"), "the other checks still run"


async def test_every_bad_setting_is_named_and_the_rest_still_checked(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    async with running_emulator() as emulator:
        env = _telegram(emulator, BOT_FRAMEWORK="foo", TIMEZONE="Mars/Base", ID_HASH_KEY="")
        done = await doctor(tmp_path, cache_dir, env)

    assert done.returncode == 1
    assert done.failed() == ["setting BOT_FRAMEWORK", "setting TIMEZONE", "setting ID_HASH_KEY"]
    assert "Mars/Base" in done.line("setting TIMEZONE")
    assert done.line("database").startswith("ok")
    assert done.line("migrations").startswith("ok")
    for check in ("region profile", "knowledge base", "token", "webhook"):
        assert done.line(check).startswith("skip")


async def test_a_missing_region_profile_is_named(tmp_path: Path, cache_dir: Path, migrated: None) -> None:
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator, REGION_PROFILE="nowhere/region.yaml"))

    assert done.failed() == ["setting REGION_PROFILE"]
    assert "nowhere/region.yaml" in done.line("setting REGION_PROFILE")
    assert done.line("region profile").startswith("skip")


async def test_a_broken_region_profile_is_named(tmp_path: Path, cache_dir: Path, migrated: None) -> None:
    profile = tmp_path / "region.yaml"
    profile.write_text("id: town\ncertification:\n  mode: sometimes\n", encoding="utf-8")
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator, REGION_PROFILE=str(profile)))

    assert done.returncode == 1
    assert done.failed() == ["region profile"]
    assert "region.yaml" in done.line("region profile")
    assert done.line("knowledge base").startswith("skip")


async def _set_webhook(emulator: Emulator, url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.base_url}/bot{TOKEN}/setWebhook", json={"url": url}) as response,
    ):
        assert response.status == 200, await response.text()


async def test_a_webhook_registered_elsewhere_is_reported(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    async with running_emulator() as emulator:
        await _set_webhook(emulator, "http://127.0.0.1:9/other")
        env = _telegram(emulator, WEBHOOK_URL="http://127.0.0.1:9/telegram", WEBHOOK_SECRET="hook-secret")
        done = await doctor(tmp_path, cache_dir, env)

    assert done.returncode == 1
    assert done.failed() == ["webhook"]
    line = done.line("webhook")
    assert "http://127.0.0.1:9/other, not to WEBHOOK_URL http://127.0.0.1:9/telegram" in line
    assert "hook-secret" not in "\n".join(done.lines)


async def test_a_webhook_telegram_cannot_deliver_to_is_reported(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    hook = f"http://127.0.0.1:{_closed_port()}/telegram"
    async with running_emulator() as emulator:
        await _set_webhook(emulator, hook)
        await emulator.send_text(4242, "is anyone there?")
        await emulator.wait_for(lambda: _last_error(emulator) is not None, timeout=10)
        env = _telegram(emulator, WEBHOOK_URL=hook, WEBHOOK_SECRET="hook-secret")
        done = await doctor(tmp_path, cache_dir, env)

    assert done.returncode == 1
    assert done.failed() == ["webhook"]
    line = done.line("webhook")
    assert "could not deliver updates" in line
    assert f"{_last_error(emulator)}, 1 update waiting" in line
    assert "WEBHOOK_LISTEN" in line


def _last_error(emulator: Emulator) -> str | None:
    webhook = emulator.bot().webhook
    return webhook.last_error_message if webhook else None


async def test_a_webhook_at_webhook_url_is_ok(tmp_path: Path, cache_dir: Path, migrated: None) -> None:
    hook = "http://127.0.0.1:9/telegram"
    async with running_emulator() as emulator:
        await _set_webhook(emulator, hook)
        env = _telegram(emulator, WEBHOOK_URL=hook, WEBHOOK_SECRET="hook-secret")
        done = await doctor(tmp_path, cache_dir, env)

    assert done.returncode == 0, "\n".join(done.lines)
    assert "Telegram sends updates to WEBHOOK_URL" in done.line("webhook")
    assert f"webhook {hook}" in done.line("settings")


async def _instances(tmp_path: Path) -> list[Instance]:
    async with Database.from_url(f"sqlite:///{tmp_path / 'bot.sqlite3'}") as database:
        return list(await SqlInstances(database.sessions).all())


async def _record(tmp_path: Path, *instances: Instance) -> None:
    async with Database.from_url(f"sqlite:///{tmp_path / 'bot.sqlite3'}") as database:
        for instance in instances:
            await SqlInstances(database.sessions).beat(instance)


def _instance(name: str, seen_ago: timedelta, *, runs_jobs: bool = True) -> Instance:
    now = datetime.now(UTC)
    return Instance(name, "worker", f"host-{name}", 4242, runs_jobs, now - timedelta(days=1), now - seen_ago)


async def test_a_running_worker_is_seen_until_it_stops(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    async with running_emulator() as emulator:
        worker = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot.app.cli", "worker"),
            cwd=tmp_path,
            env=cli_environment(tmp_path, _telegram(emulator)),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not await _instances(tmp_path):
                assert worker.returncode is None, "the worker stopped"
                assert time.monotonic() < deadline, "the worker never beat"
                await asyncio.sleep(0.1)
            done = await doctor(tmp_path, cache_dir, _telegram(emulator))
        finally:
            worker.send_signal(signal.SIGTERM)
            await asyncio.wait_for(worker.communicate(), timeout=30)

    assert done.returncode == 0, "\n".join(done.lines)
    assert (
        f"worker on {socket.gethostname()[:64]} (pid {worker.pid}, sends and leads the jobs, seen"
        in done.line("instances")
    )
    assert worker.returncode == 0
    assert await _instances(tmp_path) == [], "a clean stop removes the instance"


async def test_an_instance_that_stopped_reporting_is_reported(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    await _record(tmp_path, _instance("a", timedelta(minutes=10)))
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator))

    assert done.failed() == ["instances"]
    line = done.line("instances")
    assert (
        "none running: worker on host-a (pid 4242) stopped reporting 10 min ago without a clean stop" in line
    )
    assert "look at its log" in line


async def test_instances_that_leave_the_jobs_to_nobody_are_reported(
    tmp_path: Path, cache_dir: Path, migrated: None
) -> None:
    await _record(
        tmp_path,
        _instance("a", timedelta(seconds=5), runs_jobs=False),
        _instance("b", timedelta(hours=3)),
    )
    async with running_emulator() as emulator:
        done = await doctor(tmp_path, cache_dir, _telegram(emulator))

    assert done.failed() == ["instances"]
    line = done.line("instances")
    assert "worker on host-a (pid 4242, sends only, seen " in line
    assert "worker on host-b (pid 4242) stopped reporting 3 h ago" in line
    assert "none of them runs the periodic jobs" in line
