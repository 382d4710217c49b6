"""Running the real `retiree-bot` command in a subprocess, with a clean environment of our choosing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.parts import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def cli_environment(tmp_path: Path, extra: Mapping[str, str] = {}) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTING_NAMES}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    env["ID_HASH_KEY"] = "cli-test-key"
    env.update(extra)
    return env


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run `retiree-bot ARGS...` in tmp_path (so no developer .env is read); returns the finished process."""

    def run(
        *args: str, env: Mapping[str, str] = {}, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.app.cli", *args],
            cwd=tmp_path,
            env=cli_environment(tmp_path, env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run
