"""The `retiree-bot bench signups` and `bench broadcast` commands (bot/app/bench/activities.py)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.config import Settings


def add_commands(bench_commands: Any) -> None:
    signups = bench_commands.add_parser(
        "signups", help="presses of Sign up at once for the last places, through the core, on PostgreSQL"
    )
    signups.add_argument("--seats", type=int, default=50, help="places (default 50)")
    signups.add_argument("--people", type=int, default=1000, help="people pressing at once (default 1,000)")
    signups.add_argument("--json", action="store_true", help="print one JSON object")
    broadcast = bench_commands.add_parser(
        "broadcast", help="a notice to N recipients: confirm to queued, and the sending rate at L = 1000"
    )
    broadcast.add_argument("--recipients", type=int, default=100_000, help="recipients (default 100,000)")
    broadcast.add_argument("--json", action="store_true", help="print one JSON object")


async def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command != "bench" or args.bench_command not in ("signups", "broadcast"):
        return None
    from bot.app.bench.activities import bench_broadcast, bench_signups, render

    if args.bench_command == "signups":
        figures = await bench_signups(args.seats, args.people)
    else:
        figures = await bench_broadcast(args.recipients)
    print(json.dumps(figures) if args.json else render(figures))
    return 0
