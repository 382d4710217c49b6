"""`retiree-bot demo` as a newcomer runs it: typed lines in, the bot's replies out, twice on the same data."""

from __future__ import annotations

import csv

from .conftest import SAMPLES, CliRunner


def _sample_retiree() -> tuple[str, str]:
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        row = next(row for row in csv.DictReader(handle) if row["状态"] != "死亡")
    return row["姓名"], row["身份证号"]


def test_demo_registers_a_retiree_and_lets_staff_in_and_survives_a_restart(cli: CliRunner) -> None:
    name, id_number = _sample_retiree()
    script = f"/start\n1\n{name}\n{id_number}\n/as staff\n/quit\n"
    first = cli("demo", stdin=script)
    assert first.returncode == 0, first.stderr
    assert f"欢迎您，{name}" in first.stdout
    assert "[1] 📖 政策咨询" in first.stdout  # the main menu's buttons, numbered
    assert "单位：春晖街道" in first.stdout  # staff came in through the invite link

    # A second run keeps its database and key: the retiree is recognised, not registered again.
    second = cli("demo", stdin="/menu\n/quit\n")
    assert second.returncode == 0, second.stderr
    assert "主菜单" in second.stdout
    assert "Traceback" not in second.stderr


def test_demo_ends_quietly_at_end_of_input(cli: CliRunner) -> None:
    done = cli("demo", stdin="")
    assert done.returncode == 0, done.stderr
    assert "retiree-bot demo" in done.stdout
