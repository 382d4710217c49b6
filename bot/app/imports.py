"""`retiree-bot import-units FILE`, `retiree-bot import-roster FILE` and `retiree-bot bench import`.

Registered with every command line: what the commands need is imported when one of them runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings, require_secret

from . import CommandError

if TYPE_CHECKING:
    from bot.services.roster_import import ImportReport


def add_commands(bench_commands: Any) -> None:
    bench = bench_commands.add_parser(
        "import", help="roster import, re-import, update and export of N retirees on PostgreSQL"
    )
    bench.add_argument("--rows", type=int, default=1_000_000, help="how many retirees (default 1,000,000)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "bench" and args.bench_command == "import":
        from bot.app.bench.imports import bench_import, render
        from bot.app.progress import progress_bar

        with progress_bar() as progress:
            figures = await bench_import(args.rows, progress=progress)
        print(json.dumps(figures) if args.json else render(figures))
        return 0
    return None


async def run_import(settings: Settings, command: str, path: Path) -> int:
    from bot.app.database import open_database
    from bot.app.progress import progress_bar
    from bot.app.wiring import id_hash_key
    from bot.services.roster_import import import_roster, import_units

    if not path.is_file():  # noqa: ASYNC240 - one stat before any work starts
        raise CommandError(f"file not found: {path}")
    database = await open_database(settings)
    try:
        with progress_bar() as progress:
            if command == "import-units":
                report = await import_units(path, database.uow, progress=progress)
            else:
                key = id_hash_key(require_secret(settings, "ID_HASH_KEY"))
                report = await import_roster(path, database.uow, key, progress=progress)
    finally:
        await database.dispose()
    return _print_report(path, report)


def _print_report(path: Path, report: ImportReport) -> int:
    if not report.ok:
        print(f"{path}: nothing imported, {len(report.errors)} problem(s):", file=sys.stderr)
        for error in report.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"{path}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged")
    return 0
