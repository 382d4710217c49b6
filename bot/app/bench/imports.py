"""`retiree-bot bench import [--rows N] [--json]`: a city's roster through the import and the export, on
PostgreSQL.

A throwaway database (BENCH_PG_URL, default the local test server) is migrated and given a city of 10
districts, 100 streets and 1,000 communities (`import-units`). A synthetic roster of N retirees is written
as CSV the way offices send it (Chinese column names, dates in two spellings, a third without a phone, 5%
living elsewhere, 2% deceased; seeded, so every run has the same file), with a copy in which 1% of the
rows have a new phone number. Then, each timed:

- rows_per_s: the roster imported into the empty database (N created);
- reimport_rows_per_s: the same file again (N unchanged);
- update_rows_per_s: the copy (1% updated, the rest unchanged);
- export_rows_per_s: the certification list of every retiree of the city, written as XLSX;
- peak_rss_mb: this process's peak memory, all of it included.

Goals (issue 15): each rate at least 20,000 rows a second, peak memory under 300 MB.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.resident_id import check_character
from bot.i18n import I18n
from bot.memory import peak_rss_mb
from bot.progress import NO_PROGRESS, Progress
from bot.services.certification_export import write_export
from bot.services.certification_lists import staff_lists
from bot.services.certification_profile import load_profile
from bot.services.roster_import import ImportReport, import_roster, import_units
from storage.database import Database
from storage.migrate import upgrade

from .campaign import DEFAULT_PG, throwaway_database

KEY = b"bench-import-key"
DISTRICTS, STREETS, COMMUNITIES = 10, 100, 1000
UPDATED_EVERY = 100  # one row in a hundred has a new phone number in the updated copy
GOAL_ROWS_PER_S = 20_000
GOAL_PEAK_MB = 300
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "秀英建国桂兰志强淑珍德明玉梅国华凤英长生丽华振东春花文军海燕"
_HEADER = ("姓名", "身份证号", "出生日期", "退休日期", "社区编码", "电话", "异地居住", "状态")


def _community_code(number: int) -> str:
    street = number % STREETS
    return f"9900{street % DISTRICTS:02d}{street:03d}{number:04d}"


def write_units(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(("编码", "名称", "类型", "上级编码"))
        out.writerow(("9900", "基准市", "市", ""))
        out.writerows((f"9900{d:02d}", f"第{d}区", "区", "9900") for d in range(DISTRICTS))
        out.writerows(
            (f"9900{s % DISTRICTS:02d}{s:03d}", f"第{s}街道", "街道", f"9900{s % DISTRICTS:02d}")
            for s in range(STREETS)
        )
        out.writerows(
            (_community_code(c), f"第{c}社区", "社区", _community_code(c)[:9]) for c in range(COMMUNITIES)
        )


def write_rosters(roster: Path, updated: Path, rows: int, progress: Progress = NO_PROGRESS) -> int:
    """The roster and its updated copy, in one pass; how many rows the copy changes."""
    chance = random.Random(15)
    born_from = date(1930, 1, 1)
    changed = 0
    progress.stage("writing the roster files", rows)
    with (
        roster.open("w", encoding="utf-8", newline="") as first,
        updated.open("w", encoding="utf-8", newline="") as second,
    ):
        out, out_updated = csv.writer(first), csv.writer(second)
        out.writerow(_HEADER)
        out_updated.writerow(_HEADER)
        for i in range(rows):
            # Unique numbers: 1,000 sequence numbers a day of birth, 12,000 days a region.
            born = born_from + timedelta(days=(i // 1000) % 12_000)
            first17 = f"2101{(i // 12_000_000) % 100:02d}{born:%Y%m%d}{i % 1000:03d}"
            retired = date(born.year + 55, born.month, min(born.day, 28))
            name = chance.choice(_SURNAMES) + chance.choice(_GIVEN) + chance.choice(_GIVEN)
            phone = f"139{chance.randrange(10**8):08d}" if i % 3 else ""
            row = [
                name,
                first17 + check_character(first17),
                f"{born:%Y-%m-%d}",
                f"{retired.year}/{retired.month}/{retired.day}" if i % 2 else f"{retired:%Y-%m-%d}",
                _community_code(i % COMMUNITIES),
                phone,
                "是" if i % 20 == 7 else "否",
                "死亡" if i % 50 == 3 else "正常",
            ]
            out.writerow(row)
            if i % UPDATED_EVERY == UPDATED_EVERY // 2:
                row[5] = f"138{i % 10**8:08d}"
                changed += 1
            out_updated.writerow(row)
            if i % 10_000 == 0:
                progress.update(i)
        progress.update(rows)
    return changed


class _Labelled:
    """Stages of a repeated task told apart: "re-import: checking roster.csv"."""

    def __init__(self, progress: Progress, label: str) -> None:
        self._progress, self._label = progress, label

    def stage(self, description: str, total: int | None = None, unit: str = "rows") -> None:
        self._progress.stage(f"{self._label}: {description}", total, unit)

    def update(self, rows: int, completed: int | None = None) -> None:
        self._progress.update(rows, completed)


async def _timed_import(
    path: Path, database: Database, progress: Progress, label: str
) -> tuple[ImportReport, float]:
    started = time.perf_counter()
    report = await import_roster(path, database.uow, KEY, progress=_Labelled(progress, label))
    if not report.ok:
        raise RuntimeError(f"{label}: {report.errors[:3]}")
    return report, time.perf_counter() - started


async def _export(database: Database, target: Path, progress: Progress) -> tuple[int, float]:
    profile = load_profile()
    started = time.perf_counter()
    async with database.uow() as uow:
        city = await uow.units.get_by_code("9900")
        assert city is not None
        units = list(await uow.units.subtree_ids(city.id))
        lists = await staff_lists(uow, profile.calendar, units, datetime.now(UTC))
        t = I18n().translator("zh_Hans")
        with target.open("wb") as handle:
            rows = await write_export(
                uow, t, lists, profile.calendar.tz, handle, "xlsx", progress=_Labelled(progress, "export")
            )
    return rows, time.perf_counter() - started


async def bench_import(
    rows: int = 1_000_000, admin_url: str | None = None, *, progress: Progress = NO_PROGRESS
) -> dict[str, Any]:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    admin_url = admin_url or os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    with tempfile.TemporaryDirectory(prefix="retiree-bot-bench-") as folder:
        files = Path(folder)
        roster, updated, units = files / "roster.csv", files / "roster-updated.csv", files / "units.csv"
        await asyncio.to_thread(write_units, units)
        changed = await asyncio.to_thread(write_rosters, roster, updated, rows, progress)
        async with throwaway_database(admin_url, "import") as url:
            await upgrade(url)
            database = Database.from_url(url)
            try:
                if not (await import_units(units, database.uow)).ok:
                    raise RuntimeError("the benchmark's units did not import")
                first, first_s = await _timed_import(roster, database, progress, "import")
                again, again_s = await _timed_import(roster, database, progress, "re-import")
                update, update_s = await _timed_import(updated, database, progress, "update")
                exported, export_s = await _export(database, files / "export.xlsx", progress)
                export_mb = (files / "export.xlsx").stat().st_size / 1_000_000
            finally:
                await database.dispose()
    return {
        "rows": rows,
        "rows_per_s": round(rows / first_s),
        "reimport_rows_per_s": round(rows / again_s),
        "update_rows_per_s": round(rows / update_s),
        "export_rows_per_s": round(exported / export_s),
        "peak_rss_mb": peak_rss_mb(),
        "import_s": round(first_s, 1),
        "reimport_s": round(again_s, 1),
        "update_s": round(update_s, 1),
        "export_s": round(export_s, 1),
        "exported_rows": exported,
        "export_mb": round(export_mb, 1),
        "counts_right": (
            (first.created, first.updated, first.unchanged) == (rows, 0, 0)
            and (again.created, again.updated, again.unchanged) == (0, 0, rows)
            and (update.created, update.updated, update.unchanged) == (0, changed, rows - changed)
        ),
        "goals_met": (
            min(rows / first_s, rows / again_s, rows / update_s) >= GOAL_ROWS_PER_S
            and peak_rss_mb() < GOAL_PEAK_MB
        ),
    }


def render(figures: dict[str, Any]) -> str:
    return "\n".join(
        f"{key}: {value:,}" if isinstance(value, int) and not isinstance(value, bool) else f"{key}: {value}"
        for key, value in figures.items()
    )
