"""The `retiree-bot` command. This module is the composition root: it may wire storage and handlers."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app import CommandError
from bot.config import Settings, SettingsError, load_settings

log = logging.getLogger("retiree_bot")


def build_parser(*, with_knowledge: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retiree-bot", description="Telegram service for enterprise retirees, families and staff."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="run the bot (polling, or webhook when WEBHOOK_URL is set)")
    worker = commands.add_parser("worker", help="send outbox messages and run periodic jobs, no updates")
    worker.add_argument("--no-jobs", action="store_true", help="only send; leave periodic jobs to others")
    worker.add_argument(
        "--drain", action="store_true", help="send what is due, print a JSON summary (with peak memory), exit"
    )
    commands.add_parser("jobs", help="the periodic jobs with their next run times, and how delivery stands")
    commands.add_parser(
        "doctor", help="check settings, database, schema, region profile, knowledge base, token, webhook"
    )

    demo = commands.add_parser("demo", help="talk to the bot in this terminal: no token, no network")
    demo.add_argument("--data-dir", type=Path, default=None, help="folder for the demo's files")

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate to the newest schema")
    downgrade = db_commands.add_parser("downgrade", help="migrate back")
    downgrade.add_argument("revision", nargs="?", default="-1", help="target revision (default: one step)")
    db_commands.add_parser("current", help="print the schema revision")

    units = commands.add_parser("import-units", help="import the org-unit tree from CSV or XLSX")
    units.add_argument("file", type=Path)
    roster = commands.add_parser("import-roster", help="import retirees from CSV or XLSX")
    roster.add_argument("file", type=Path)

    invite = commands.add_parser("staff-invite", help="print a one-time staff invite link (valid 72 hours)")
    invite.add_argument("--unit", required=True, help="org unit code")
    invite.add_argument("--role", required=True, choices=["staff", "supervisor", "admin"])
    invite.add_argument(
        "--bot-username", default=None, help="bot username for the link (default: ask Telegram)"
    )

    bench = commands.add_parser("bench", help="benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="WHAT")
    updates = bench_commands.add_parser(
        "updates", help="updates/s through the whole stack vs a bare echo bot"
    )
    updates.add_argument("-n", "--updates", type=int, default=2000, help="updates per framework")
    updates.add_argument("--framework", choices=["aiogram", "ptb"], action="append", default=None)
    updates.add_argument("--json", action="store_true", help="print one JSON list")
    if with_knowledge:
        from bot.app.kb import add_commands

        add_commands(commands, bench_commands)
    from bot.app import activities, cert, claims, imports

    activities.add_commands(bench_commands)
    cert.add_commands(commands, bench_commands)
    claims.add_commands(commands)
    imports.add_commands(bench_commands)
    delivery = bench_commands.add_parser(
        "delivery", help="outbox delivery rate within Telegram limits, vs aiogram-broadcaster; enqueue rate"
    )
    delivery.add_argument("--json", action="store_true", help="print one JSON object")
    delivery.add_argument("--quick", action="store_true", help="smaller counts, for a smoke test")
    load = bench_commands.add_parser(
        "load", help="people using the bot through `run` on PostgreSQL: latency, then two webhook processes"
    )
    load.add_argument("--users", type=int, default=1000, help="simulated people (1,000)")
    load.add_argument("--seconds", type=float, default=60.0, help="how long each measurement runs (60)")
    load.add_argument("--json", action="store_true", help="print one JSON object")
    delivery.add_argument(
        "--workers", type=int, default=3, help="worker processes sharing the budget through Redis (3)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The worker runs for days: it should not hold the knowledge base's word lists (tens of MB) it never uses.
    args = build_parser(with_knowledge=arguments[:1] != ["worker"]).parse_args(arguments)
    try:
        if args.command == "doctor":
            # Before the settings are loaded: doctor reports every bad one instead of stopping at the first.
            from bot.app.doctor import doctor

            return asyncio.run(doctor())
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        # Alembic announces each of its plugins at INFO on import: noise for an operator.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        return asyncio.run(_dispatch(args, settings))
    except SettingsError as exc:
        print(f"retiree-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        print(f"retiree-bot: {exc}", file=sys.stderr)
        return 1


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command != "worker":
        from bot.app.kb import dispatch

        handled = await dispatch(args, settings)
        if handled is not None:
            return handled
    from bot.app import activities, cert, claims, imports

    handled = await activities.dispatch(args, settings)
    if handled is None:
        handled = await cert.dispatch(args, settings)
    if handled is None:
        handled = await claims.dispatch(args, settings)
    if handled is None:
        handled = await imports.dispatch(args, settings)
    if handled is not None:
        return handled
    # Imported per command so that `retiree-bot db current` does not load both Telegram frameworks.
    if args.command == "run":
        from bot.app.run import run

        await run(settings)
    elif args.command == "worker":
        from bot.app.worker import worker

        await worker(settings, with_jobs=not args.no_jobs, drain=args.drain)
    elif args.command == "jobs":
        from bot.app import jobs

        print(jobs.render(jobs.list_jobs(settings)))
        print(jobs.render_health(await jobs.delivery_health(settings), settings))
    elif args.command == "bench" and args.bench_command == "delivery":
        from bot.app.bench.delivery import bench_delivery, render

        figures = await bench_delivery(settings, quick=args.quick, workers=args.workers)
        print(json.dumps(figures) if args.json else render(figures))
    elif args.command == "bench" and args.bench_command == "load":
        from bot.app.bench.load import bench_load
        from bot.app.bench.load import render as render_load

        figures = await bench_load(args.users, args.seconds)
        print(json.dumps(figures) if args.json else render_load(figures))
    elif args.command == "demo":
        from bot.app.demo.runner import run_demo

        await run_demo(settings, data_dir=args.data_dir)
    elif args.command == "db":
        from bot.app import db

        print(await db.handle(settings, args.db_command, getattr(args, "revision", None)))
    elif args.command in ("import-units", "import-roster"):
        from bot.app.imports import run_import

        return await run_import(settings, args.command, args.file)
    elif args.command == "staff-invite":
        from bot.app.invite import staff_invite

        print(await staff_invite(settings, args.unit, args.role, args.bot_username))
    elif args.command == "bench":
        from bot.app.bench.updates import bench_updates

        results = await bench_updates(args.updates, args.framework or ["aiogram", "ptb"])
        print(json.dumps(results, ensure_ascii=False) if args.json else _table(results))
    return 0


def _table(rows: list[dict[str, object]]) -> str:
    keys = list(rows[0]) if rows else []
    lines = ["  ".join(f"{key:>12}" for key in keys)]
    lines += ["  ".join(f"{row[key]!s:>12}" for key in keys) for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
