"""`bench updates` end to end on a few updates: the processes start, talk and stop; the figures are there
(their values are the command's business, not a test's)."""

from __future__ import annotations

import pytest

from handlers.bench.updates import bench_updates


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
async def test_bench_updates_measures_all_three_bots(framework: str) -> None:
    figures = await bench_updates(framework, 6, users=3, rounds=1)
    assert figures["framework"] == framework
    assert figures["updates"] == 6
    assert figures["violations"] == 0
    for key in ("ours_per_s", "echo_per_s", "transport_only_per_s"):
        assert figures[key] > 0, key
    # The figures agree with one another, whatever the machine's speed.
    assert figures["ratio"] == pytest.approx(figures["ours_per_s"] / figures["echo_per_s"], rel=0.01)
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert 0 < figures["echo_p50_ms"] <= figures["echo_p99_ms"]
    # Each bot reports its own process's peak: ours carries the core and the database besides our transport.
    # An interpreter with a framework loaded takes tens of megabytes: a reading in other units would show.
    assert figures["peak_rss_mb"] > figures["transport_only_peak_rss_mb"] > 20
    assert 20 < figures["echo_peak_rss_mb"] < 2048
    assert figures["peak_rss_mb"] < 2048
