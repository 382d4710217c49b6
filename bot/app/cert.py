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
    bench = bench_commands.add_parser("campaign", help="a campaign tick over N retirees on PostgreSQL")
    bench.add_argument(
        "--retirees", type=int, default=1_000_000, help="how many retirees (default 1,000,000)"
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "cert" and args.cert_command == "import":
        return await import_command(settings, args.file)
    if args.command == "bench" and args.bench_command == "campaign":
        from bot.app.bench.campaign import bench_campaign, render

        figures = await bench_campaign(args.retirees)
        print(json.dumps(figures) if args.json else render(figures))
        return 0
    return None


async def import_command(settings: Settings, path: Path) -> int:
    from bot.app.database import open_database
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
        result = await import_file(path, database.uow, key, profile.calendar, datetime.now(UTC))
    except UnreadableError as error:
        raise CommandError(f"{path.name}: nothing imported, the file cannot be read ({error})") from error
    finally:
        await database.dispose()
    print(
        f"rows: {result.rows}, ID numbers: {result.ids}, newly certified: {result.certified}, "
        f"rows without a valid ID number: {result.not_found}"
    )
    return 0
