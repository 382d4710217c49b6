"""Peak memory is this process's own, not a parent's carried across exec."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from bot.memory import peak_rss_mb, settle_heap


def test_peak_is_a_plausible_figure_for_this_process() -> None:
    assert 5 < peak_rss_mb() < 10_000


def test_a_small_child_of_a_large_parent_reports_its_own_peak() -> None:
    ballast = bytearray(300 * 1024 * 1024)  # make this process's peak clearly larger than a bare child's
    ballast[::4096] = b"x" * len(ballast[::4096])
    code = "import json; from bot.memory import peak_rss_mb; print(json.dumps(peak_rss_mb()))"
    child = float(
        json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout)
    )
    assert child < peak_rss_mb() - 200
    del ballast


def test_settle_heap_freezes_what_exists() -> None:
    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
