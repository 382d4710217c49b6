"""`retiree-bot bench updates`: every bot measured runs in a process of its own (see handlers/bench), so
that one's peak RSS is not another's."""

from __future__ import annotations

from typing import Any

from bot.app import CommandError


async def bench_updates(updates: int, frameworks: list[str]) -> list[dict[str, Any]]:
    from handlers.bench.updates import bench_updates as measure

    results = []
    for framework in frameworks:
        try:
            results.append(await measure(framework, updates))
        except RuntimeError as exc:
            raise CommandError(f"bench updates on {framework} failed: {exc}") from exc
    return results
