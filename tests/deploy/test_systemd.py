"""The systemd units in deploy/ are valid and run the bot the way the README promises."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.i18n import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_COMMAND = "/opt/retiree-bot/venv/bin/retiree-bot"
BOT_UNITS = ("retiree-bot@.service", "retiree-bot-worker@.service")


def _sections(unit: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(unit.read_text("utf-8"))
    return parser


@pytest.mark.parametrize("name", BOT_UNITS)
def test_bot_units_run_unprivileged_restart_and_read_an_environment_file(name: str) -> None:
    service = _sections(UNITS / name)["Service"]
    assert service["User"] not in ("", "root")
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/retiree-bot/%i.env"
    assert service["ExecStart"].startswith(INSTALLED_COMMAND + " ")


def test_the_worker_runs_the_worker_and_the_bot_runs_the_bot() -> None:
    assert _sections(UNITS / "retiree-bot@.service")["Service"]["ExecStart"].endswith(" run")
    assert _sections(UNITS / "retiree-bot-worker@.service")["Service"]["ExecStart"].endswith(" worker")


def test_the_backup_timer_starts_the_backup() -> None:
    assert (UNITS / "retiree-bot-backup.service").is_file()
    assert _sections(UNITS / "retiree-bot-backup.timer")["Timer"]["Persistent"] == "true"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    """Templates are checked as an instance, with the installed command standing at this test's own."""
    command = str(Path(sys.executable).with_name("retiree-bot"))
    for unit in UNITS.iterdir():
        text = unit.read_text("utf-8").replace(INSTALLED_COMMAND, command)
        (tmp_path / unit.name.replace("@.", "@city.")).write_text(text, "utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(path) for path in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    # A directive systemd cannot parse is only a warning on stderr, with a zero exit.
    assert (checked.returncode, checked.stderr) == (0, "")
