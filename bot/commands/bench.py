"""`retiree-bot bench updates`: each framework is measured in a process of its own, so that one's peak RSS
is not the other's, and both see a machine in the same state."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from . import CommandError


async def bench_updates(updates: int, frameworks: list[str]) -> list[dict[str, Any]]:
    return [await _in_child(framework, updates) for framework in frameworks]


async def _in_child(framework: str, updates: int) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.commands.bench",
        framework,
        str(updates),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise CommandError(f"bench updates on {framework} failed: {last[0]}")
    result: dict[str, Any] = json.loads(out)
    return result


def _child(framework: str, updates: int) -> None:
    from handlers.bench.updates import bench_updates as measure

    print(json.dumps(asyncio.run(measure(framework, updates))))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
