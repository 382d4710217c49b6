"""The `retiree-bot` command as an operator uses it: one clear line for every mistake, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.migrate import head_revision

from .conftest import SAMPLES, CliRunner


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_FRAMEWORK": "telethon"}, "BOT_FRAMEWORK"),
        ({"TIMEZONE": "Nowhere/Land"}, "TIMEZONE"),
        ({"BOT_TOKEN": "", "ID_HASH_KEY": "k"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "123:abc", "ID_HASH_KEY": ""}, "ID_HASH_KEY"),
    ],
)
def test_run_with_a_bad_or_missing_setting_names_it(cli: CliRunner, env: dict[str, str], named: str) -> None:
    done = cli("run", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert named in lines[0]
    _no_traceback(done.stderr)


def test_run_refuses_an_unmigrated_database(cli: CliRunner) -> None:
    done = cli("run", env={"BOT_TOKEN": "123456:" + "a" * 30})
    assert done.returncode == 1
    assert "retiree-bot db upgrade" in done.stderr
    _no_traceback(done.stderr)


def test_migrate_import_and_invite(cli: CliRunner) -> None:
    assert cli("db", "upgrade").returncode == 0
    # The newest revision, whatever it is: features add migrations.
    assert f"schema revision: {head_revision()}" in cli("db", "current").stdout

    units = cli("import-units", str(SAMPLES / "units.csv"))
    assert units.returncode == 0, units.stderr
    assert " created, 0 updated" in units.stdout

    roster = cli("import-roster", str(SAMPLES / "roster.csv"))
    assert roster.returncode == 0, roster.stderr
    again = cli("import-roster", str(SAMPLES / "roster.csv"))
    assert "0 created, 0 updated" in again.stdout

    invite = cli("staff-invite", "--unit", "21010101", "--role", "staff", "--bot-username", "retiree_bot")
    assert invite.returncode == 0, invite.stderr
    assert "https://t.me/retiree_bot?start=" in invite.stdout
    assert "/start " in invite.stdout


def test_a_roster_with_a_bad_row_imports_nothing_and_names_the_line(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("import-units", str(SAMPLES / "units.csv")).returncode == 0
    lines = (SAMPLES / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    broken = second.replace(second.split(",")[1], second.split(",")[1][:-1] + "0", 1)
    if broken == second:
        broken = second.replace(second.split(",")[1], second.split(",")[1][:-1] + "1", 1)
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text("\n".join([header, first, broken]) + "\n", encoding="utf-8")

    done = cli("import-roster", str(bad_file))
    assert done.returncode == 1
    assert "nothing imported" in done.stderr
    assert "line 3" in done.stderr
    _no_traceback(done.stderr)
    assert "0 created" not in cli("import-roster", str(bad_file)).stdout


def test_invite_for_an_unknown_unit(cli: CliRunner) -> None:
    assert cli("db", "upgrade").returncode == 0
    done = cli("staff-invite", "--unit", "nope", "--role", "admin")
    assert done.returncode == 1
    assert "nope" in done.stderr
    _no_traceback(done.stderr)


def test_missing_import_file(cli: CliRunner) -> None:
    done = cli("import-units", "no-such-file.csv")
    assert done.returncode == 1
    assert "no-such-file.csv" in done.stderr
    _no_traceback(done.stderr)
