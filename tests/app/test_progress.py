"""Progress bars: drawn on a terminal (rows, rows a second, time left), nothing but the summary line
anywhere else (cron, CI, a pipe)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress as Bar

from bot.app.progress import RichProgress, _columns, progress_bar
from bot.progress import NO_PROGRESS

from .conftest import SAMPLES, CliRunner, cli_environment


def test_a_stage_shows_its_rows_rate_share_and_time_left() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    with Bar(*_columns(), console=console, auto_refresh=False) as bar:
        progress = RichProgress(bar)
        progress.stage("importing roster.csv", 1000)
        progress.update(25_000, 500)
        bar.refresh()
        progress.stage("looking for ID numbers found twice")
        bar.refresh()
        progress.close()
        bar.refresh()
    drawn = screen.getvalue()
    assert "importing roster.csv" in drawn
    assert "25,000 rows" in drawn
    assert "rows/s" in drawn
    assert "50%" in drawn
    assert "looking for ID numbers found twice" in drawn


def test_off_a_terminal_nothing_is_drawn() -> None:
    with progress_bar(io.StringIO()) as progress:
        assert progress is NO_PROGRESS


def test_an_import_in_cron_prints_its_summary_line_alone(cli: CliRunner) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("import-units", str(SAMPLES / "units.csv")).returncode == 0
    done = cli("import-roster", str(SAMPLES / "roster.csv"))
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.splitlines() == [f"{SAMPLES / 'roster.csv'}: 30 created, 0 updated, 0 unchanged"]


def _on_a_terminal(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run `retiree-bot ARGS` with standard error on a pseudo-terminal: (status, stdout, what the
    terminal showed)."""
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", *args],
            cwd=tmp_path,
            env=cli_environment(tmp_path, {"TERM": "xterm", "COLUMNS": "160"}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            shown += chunk
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(leader)
    return process.returncode, stdout, shown.decode("utf-8", "replace")


def test_an_import_on_a_terminal_draws_a_bar(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("import-units", str(SAMPLES / "units.csv")).returncode == 0
    status, stdout, shown = _on_a_terminal(tmp_path, "import-roster", str(SAMPLES / "roster.csv"))
    assert status == 0
    assert "importing roster.csv" in shown
    assert "30 rows" in shown
    assert "rows/s" in shown
    # The summary goes to standard output, unmixed.
    assert stdout.splitlines() == [f"{SAMPLES / 'roster.csv'}: 30 created, 0 updated, 0 unchanged"]
