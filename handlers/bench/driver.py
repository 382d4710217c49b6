"""Closed-loop load through an in-process emulator: each simulated user sends a text, waits for the bot's
first reply to their chat, then sends the next one, as people do."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.emulator import Emulator


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


class _ReplyWatch:
    """Reads the emulator's call log once, resolving the waiter of each chat at its bot's next message."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._seen = len(emulator.calls)
        self._waiting: dict[int, asyncio.Future[float]] = {}

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = future
        return future

    async def run(self) -> None:
        calls = self._emulator.calls
        while True:
            await self._emulator.wait_for(lambda: len(calls) > self._seen, timeout=3600)
            for call in calls[self._seen :]:
                if call.method == "sendMessage" and call.ok and call.chat_id is not None:
                    future = self._waiting.pop(call.chat_id, None)
                    if future is not None and not future.done():
                        future.set_result(call.at)
            self._seen = len(calls)


async def drive(
    emulator: Emulator,
    users: Sequence[int],
    per_user: int,
    text_for: Callable[[int, int], str],
    *,
    reply_timeout: float = 30.0,
) -> LoadResult:
    """Every user sends `per_user` texts (`text_for(user, i)`); returns throughput and latencies."""
    watch = _ReplyWatch(emulator)
    watcher = asyncio.create_task(watch.run())
    latencies: list[float] = []

    async def user(user_id: int) -> None:
        for i in range(per_user):
            reply = watch.expect(user_id)
            sent = time.monotonic()
            await emulator.send_text(user_id, text_for(user_id, i))
            replied = await asyncio.wait_for(reply, reply_timeout)
            latencies.append((replied - sent) * 1000)

    started = time.monotonic()
    try:
        await asyncio.gather(*(user(u) for u in users))
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    return LoadResult(
        updates=len(users) * per_user, seconds=time.monotonic() - started, latencies_ms=latencies
    )
