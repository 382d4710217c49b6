"""`retiree-bot bench updates`: our full stack (SQLite, BotCore, a transport) against the bare echo bot
of the same framework, driven by the same simulated users through one emulator.

Every party has a process of its own: the emulator with the simulated users (load_process.py), and each
bot in turn (bot_process.py): ours, our transport with a stand-in core, the bare echo bot. So each bot's
peak RSS is its own, and no bot shares its interpreter with the emulator's bookkeeping.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bot.config import Framework
from handlers.bench.bot_process import BotProcess
from handlers.bench.driver import LoadResult
from handlers.bench.load_process import LoadProcess
from handlers.bench.seed import prepare_in_child
from handlers.pipeline import DEFAULT_CORE_CONCURRENCY

FIRST_USER = 700_000


async def bench_updates(
    framework: Framework | str,
    n: int = 2000,
    *,
    users: int = 200,
    data_dir: Path | None = None,
    core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
    rounds: int = 2,
) -> dict[str, Any]:
    """Push `n` menu texts from `users` registered retirees through our stack, through our transport with
    a stand-in core, then through the bare echo bot; returns {framework, ours_per_s, echo_per_s, ratio,
    p50_ms, p99_ms, peak_rss_mb, transport_only_per_s, echo_peak_rss_mb, ...}. Latency is from the user's
    message reaching the emulator to the bot's first reply in that chat.

    The three bots take turns for `rounds` rounds and each keeps its fastest round (with that round's
    latencies): on a shared machine other work only ever slows a round down, and taking turns exposes
    all three to the same spells of it."""
    framework = Framework(framework)
    users = max(1, min(users, n))
    per_user = max(1, n // users)
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    warmup = min(users, 20)
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await prepare_in_child(url, FIRST_USER, users)
        async with LoadProcess() as load:
            results: dict[str, tuple[LoadResult, float]] = {}
            for _ in range(max(1, rounds)):
                for variant in ("ours", "transport", "echo"):
                    bot = BotProcess(variant, framework, load.base_url, url, core_concurrency)
                    async with bot:
                        measured = await load.measure(user_ids, per_user, warmup)
                    best, peak = results.get(variant, (measured, 0.0))
                    fastest = measured if measured.per_second >= best.per_second else best
                    results[variant] = (fastest, max(peak, bot.peak_rss_mb))
            violations = load.violations
    ours, peak_rss_mb = results["ours"]
    transport_only, transport_rss_mb = results["transport"]
    echo, echo_rss_mb = results["echo"]
    return {
        "framework": framework.value,
        "updates": ours.updates,
        "users": users,
        "rounds": max(1, rounds),
        "ours_per_s": round(ours.per_second, 1),
        "echo_per_s": round(echo.per_second, 1),
        "ratio": round(ours.per_second / echo.per_second, 3) if echo.per_second else 0.0,
        "transport_only_per_s": round(transport_only.per_second, 1),
        "p50_ms": round(ours.percentile(0.50), 1),
        "p99_ms": round(ours.percentile(0.99), 1),
        "echo_p50_ms": round(echo.percentile(0.50), 1),
        "echo_p99_ms": round(echo.percentile(0.99), 1),
        "peak_rss_mb": peak_rss_mb,
        "transport_only_peak_rss_mb": transport_rss_mb,
        "echo_peak_rss_mb": echo_rss_mb,
        "violations": violations,
    }


def main() -> None:  # pragma: no cover - `retiree-bot bench updates` is the command
    import asyncio
    import json
    import sys

    framework = sys.argv[1] if len(sys.argv) > 1 else "aiogram"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_CORE_CONCURRENCY
    print(json.dumps(asyncio.run(bench_updates(framework, n, core_concurrency=concurrency))))


if __name__ == "__main__":  # pragma: no cover
    main()
