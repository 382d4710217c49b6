"""Closed-loop load through an in-process emulator: each simulated user sends a text, waits for the bot's
first reply to their chat, then sends the next one, as people do."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.emulator import Emulator, RecordedCall, ReplyWatch


@dataclass
class LoadResult:
    updates: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _is_text_reply(call: RecordedCall) -> bool:
    """Every bot driven here (ours, the stand-in core, the echo bots) answers a text with a message."""
    return call.method == "sendMessage"


async def drive(
    emulator: Emulator,
    users: Sequence[int],
    per_user: int,
    text_for: Callable[[int, int], str],
    *,
    reply_timeout: float = 30.0,
) -> LoadResult:
    """Every user sends `per_user` texts (`text_for(user, i)`); returns throughput and latencies."""
    watch = ReplyWatch(emulator, _is_text_reply)
    latencies: list[float] = []

    async def user(user_id: int) -> None:
        for i in range(per_user):
            reply = watch.expect(user_id)
            sent = time.monotonic()
            await emulator.send_text(user_id, text_for(user_id, i))
            replied = await asyncio.wait_for(reply, reply_timeout)
            latencies.append((replied - sent) * 1000)

    async with watch.reading():
        started = time.monotonic()
        await asyncio.gather(*(user(u) for u in users))
    return LoadResult(
        updates=len(users) * per_user, seconds=time.monotonic() - started, latencies_ms=latencies
    )
