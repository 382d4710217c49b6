"""`retiree-bot bench import` end to end on a small roster: it runs, and its counts are right (the
figures themselves are for the command line, not for a test on a busy machine)."""

from __future__ import annotations

import pytest

from bot.app.bench.imports import bench_import

pytestmark = pytest.mark.postgres


async def test_a_small_city_goes_through_import_reimport_update_and_export(postgres_server: str) -> None:
    figures = await bench_import(250, postgres_server)
    assert figures["counts_right"] is True
    assert figures["exported_rows"] == 245  # the 2% deceased are on no list
    for key in ("rows_per_s", "reimport_rows_per_s", "update_rows_per_s", "export_rows_per_s", "peak_rss_mb"):
        assert figures[key] > 0
