"""The emulator and the simulated users in a process of their own, so that the bot's process holds the
bot alone: its peak RSS is the bot's, and the emulator's recorded calls and event loop take nothing from it.

`python -m handlers.bench.load_process` speaks JSON lines. Once listening it prints {"base_url": ...}; then
for each request {"users": [...], "per_user": n, "warmup": w} read from stdin it drives `w` users once
(unmeasured), then every user `n` times, and prints {"updates", "seconds", "latencies_ms", "violations"}.
It ends at the end of its input. `LoadProcess` is the bot-side handle.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from bot.emulator import Emulator
from bot.flows import buttons
from handlers.bench.child import JsonLinesChild
from handlers.bench.driver import LoadResult, drive

# Registered retirees at their main menu, pressing its buttons and asking for help: the everyday traffic.
MENU_TEXTS = (buttons.HELP, buttons.POLICY, buttons.CERTIFICATION, buttons.ACTIVITIES, buttons.DEATH_BENEFIT)


def menu_text(user: int, i: int) -> str:
    return MENU_TEXTS[(user + i) % len(MENU_TEXTS)]


async def _serve() -> None:
    emulator = Emulator()
    await emulator.start()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    _say({"base_url": emulator.base_url})
    try:
        while line := await reader.readline():
            request = json.loads(line)
            users: list[int] = request["users"]
            await drive(emulator, users[: request["warmup"]], 1, menu_text)
            result = await drive(emulator, users, request["per_user"], menu_text)
            _say(
                {
                    "updates": result.updates,
                    "seconds": result.seconds,
                    "latencies_ms": result.latencies_ms,
                    "violations": len(emulator.violations),
                }
            )
    finally:
        await emulator.stop()


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class LoadProcess:
    """Starts `python -m handlers.bench.load_process` and asks it for measurements."""

    def __init__(self) -> None:
        # A long result line (one latency per update) must fit the reader's buffer.
        self._child = JsonLinesChild(
            "handlers.bench.load_process", what="the load process", line_limit=16 * 1024 * 1024
        )
        self.base_url = ""
        self.violations = 0

    async def __aenter__(self) -> LoadProcess:
        self.base_url = (await self._child.start())["base_url"]
        return self

    async def measure(self, users: Sequence[int], per_user: int, warmup: int) -> LoadResult:
        answer = await self._child.ask({"users": list(users), "per_user": per_user, "warmup": warmup})
        self.violations = int(answer["violations"])
        return LoadResult(
            updates=int(answer["updates"]),
            seconds=float(answer["seconds"]),
            latencies_ms=[float(v) for v in answer["latencies_ms"]],
        )

    async def __aexit__(self, *_: object) -> None:
        await self._child.stop()


if __name__ == "__main__":  # pragma: no cover - run as the child of LoadProcess
    asyncio.run(_serve())
