"""`retiree-bot import-units FILE` and `retiree-bot import-roster FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings, require_secret
from bot.services.roster_import import ImportReport, import_roster, import_units

from . import CommandError
from .database import open_database
from .wiring import id_hash_key


async def run_import(settings: Settings, command: str, path: Path) -> int:
    if not path.is_file():  # noqa: ASYNC240 - one stat before any work starts
        raise CommandError(f"file not found: {path}")
    database = await open_database(settings)
    try:
        if command == "import-units":
            report = await import_units(path, database.uow)
        else:
            key = id_hash_key(require_secret(settings, "ID_HASH_KEY"))
            report = await import_roster(path, database.uow, key)
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
