"""`retiree-bot cert import FILE` (data-comparison results) and `retiree-bot bench campaign`."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings

from . import CommandError


def add_commands(commands: Any, bench_commands: Any) -> None:
    cert = commands.add_parser("cert", help="pension-eligibility certification")
    cert_commands = cert.add_subparsers(dest="cert_command", required=True, metavar="ACTION")
    imported = cert_commands.add_parser(
        "import", help="certify quietly the retirees whose ID numbers are in FILE (CSV or XLSX)"
    )
    imported.add_argument("file", type=Path)
    exported = cert_commands.add_parser(
        "export", help="write the certification lists to FILE (.csv or .xlsx): lists too large for Telegram"
    )
    exported.add_argument("file", type=Path)
    exported.add_argument("--unit", default=None, help="code of the org unit (default: every unit)")
    bench = bench_commands.add_parser("campaign", help="a campaign tick over N retirees on PostgreSQL")
    bench.add_argument(
        "--retirees", type=int, default=1_000_000, help="how many retirees (default 1,000,000)"
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "cert" and args.cert_command == "import":
        return await import_command(settings, args.file)
    if args.command == "cert" and args.cert_command == "export":
        return await export_command(settings, args.file, args.unit)
    if args.command == "bench" and args.bench_command == "campaign":
        from bot.app.bench.campaign import bench_campaign, render
        from bot.app.progress import progress_bar

        with progress_bar() as progress:
            figures = await bench_campaign(args.retirees, progress=progress)
        print(json.dumps(figures) if args.json else render(figures))
        return 0
    return None


async def import_command(settings: Settings, path: Path) -> int:
    from bot.app.database import open_database
    from bot.app.progress import progress_bar
    from bot.services.certification_import import import_file
    from bot.services.certification_profile import load_profile
    from bot.tables import UnreadableError

    if settings.id_hash_key is None:
        raise CommandError("ID_HASH_KEY is not set: ID numbers cannot be matched")
    if not await asyncio.to_thread(path.is_file):
        raise CommandError(f"no such file: {path}")
    database = await open_database(settings)
    try:
        profile = load_profile(settings.region_profile, settings.timezone)
        key = settings.id_hash_key.get_secret_value().encode("utf-8")
        with progress_bar() as progress:
            result = await import_file(
                path, database.uow, key, profile.calendar, datetime.now(UTC), progress=progress
            )
    except UnreadableError as error:
        raise CommandError(f"{path.name}: nothing imported, the file cannot be read ({error})") from error
    finally:
        await database.dispose()
    print(
        f"rows: {result.rows}, ID numbers: {result.ids}, newly certified: {result.certified}, "
        f"rows without a valid ID number: {result.not_found}"
    )
    return 0


async def export_command(settings: Settings, path: Path, unit_code: str | None) -> int:
    """The staff export, for the units below `unit_code` (every unit when None), into `path`."""
    from bot.app.database import open_database
    from bot.app.progress import progress_bar
    from bot.i18n import I18n
    from bot.services.certification_export import write_export
    from bot.services.certification_lists import staff_lists
    from bot.services.certification_profile import load_profile

    kind = path.suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx"):
        raise CommandError(f"{path.name}: the file's name must end in .csv or .xlsx")
    database = await open_database(settings)
    try:
        profile = load_profile(settings.region_profile, settings.timezone)
        async with database.uow() as uow:
            if unit_code is None:
                units = await _every_unit(uow)
            else:
                unit = await uow.units.get_by_code(unit_code)
                if unit is None:
                    raise CommandError(f"no org unit has the code {unit_code}")
                units = list(await uow.units.subtree_ids(unit.id))
            lists = await staff_lists(uow, profile.calendar, units, datetime.now(UTC))
            t = I18n().translator(settings.default_locale)
            try:
                with progress_bar() as progress, path.open("wb") as target:
                    rows = await write_export(
                        uow,
                        t,
                        lists,
                        profile.calendar.tz,
                        target,
                        "xlsx" if kind == "xlsx" else "csv",
                        progress=progress,
                    )
            except BaseException:
                await asyncio.to_thread(path.unlink, missing_ok=True)  # half a list passes for whole
                raise
    finally:
        await database.dispose()
    print(f"{path}: {rows} retirees")
    return 0


async def _every_unit(uow: Any) -> list[int]:
    from storage.repositories.units import SqlOrgUnitRepository

    return [unit.id for unit in await SqlOrgUnitRepository(uow.session).all()]
