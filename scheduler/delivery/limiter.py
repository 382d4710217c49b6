"""Telegram's sending limits, kept on our side so that Telegram never has to answer 429.

A call holds a slot of each limit that applies to it (global, its chat, its group) from the moment it is
sent until `span` seconds after its answer arrived. Telegram counts the call at some instant between those
two, so any `span`-long window of Telegram's clock contains at most `limit` calls, however long the network
took: no margin to guess. The cost is that a slot is busy one round trip longer than needed, which at a
few milliseconds a call is under 1 % of the rate.

Per-chat and per-group windows are dropped once idle, so a broadcast to a million chats does not keep a
million windows in memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Window:
    """At most `limit` slots in use; a finished slot stays in use until `span` seconds after it ended."""

    __slots__ = ("busy", "ends", "limit", "span")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.busy = 0
        self.ends: deque[float] = deque()

    def wait(self, now: float) -> float | None:
        """0 if a slot is free now; seconds until one frees; None if only a running call can free one."""
        ends = self.ends
        while ends and ends[0] <= now:
            ends.popleft()
        if self.busy + len(ends) < self.limit:
            return 0.0
        return ends[0] - now if ends else None

    def take(self) -> None:
        self.busy += 1

    def give_back(self, now: float) -> None:
        self.busy -= 1
        self.ends.append(now + self.span)

    def idle(self, now: float) -> bool:
        return self.busy == 0 and (not self.ends or self.ends[-1] <= now)


@dataclass(frozen=True, slots=True)
class Limits:
    global_per_s: float = 30.0
    per_chat_per_s: int = 1
    per_group_per_min: int = 20


class SendingStopped(Exception):
    """Raised by a slot that was still waiting when its sender was asked to stop: nothing was sent."""


class SendLimiter:
    """`async with limiter.slot(chat_id):` around each sending call; `pause(seconds)` after a 429. The
    limits of this process alone: right for one sender (SQLite, or one process on PostgreSQL)."""

    shared = False

    def __init__(self, limits: Limits, now: Now = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        """`now` and `sleep` must keep the same time: a test passes a clock it moves by hand."""
        self.limits = limits
        self._now = now
        self._sleep = sleep
        # A fractional global rate (e.g. 0.5/s in a test) is a window of 1 call per 1/rate seconds.
        if limits.global_per_s >= 1:
            self._global = Window(int(limits.global_per_s), 1.0)
        else:
            self._global = Window(1, 1.0 / limits.global_per_s)
        self._chats: dict[int, Window] = {}
        self._groups: dict[int, Window] = {}
        self._paused_until = 0.0
        self._changed = asyncio.Event()
        self._gate = asyncio.Lock()
        self._takes = 0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing at all goes out until `seconds` from now."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def _chat_windows(self, chat_id: int) -> list[Window]:
        windows = [_get(self._chats, chat_id, self.limits.per_chat_per_s, 1.0)]
        if chat_id < 0:
            windows.append(_get(self._groups, chat_id, self.limits.per_group_per_min, 60.0))
        return windows

    async def acquire(self, chat_id: int, *, reply: bool = False) -> list[Window]:
        """Wait for a slot of every limit that applies to a call to `chat_id`, take them, return them.

        The chat's own windows are waited for first; then callers line up (FIFO) for the global window,
        where only the head of the line keeps watch instead of every caller waking on every release.
        The chat's windows are checked again once the global one is free: a reply and an outbox message
        to one chat may wait at once.

        A `reply` does not line up: it waits beside the head of the line and takes a global slot as
        soon as one is free, so it goes out behind at most the one or two calls already waiting for
        that slot, not behind the whole line; its chat's windows count it but do not hold it.
        """
        windows = self._chat_windows(chat_id)
        if reply:
            await self._until_global_free()
        else:
            while True:
                await self._until_free(windows)
                async with self._gate:
                    await self._until_global_free()
                if all(window.wait(self._now()) == 0.0 for window in windows):
                    break
        now = self._now()
        windows.append(self._global)
        for window in windows:
            window.take()
        self._tidy(now)
        return windows

    async def _until_global_free(self) -> None:
        while True:
            now = self._now()
            if now < self._paused_until:
                await self._sleep(self._paused_until - now)
                continue
            wait = self._global.wait(now)
            if wait == 0.0:
                return
            if wait is None:
                self._changed.clear()
                await self._changed.wait()
            else:
                await self._sleep(wait)

    async def _until_free(self, windows: list[Window]) -> None:
        while True:
            waits = [w.wait(self._now()) for w in windows]
            if all(w == 0.0 for w in waits):
                return
            timed = [w for w in waits if w]
            if timed:
                await self._sleep(max(timed))
            else:
                self._changed.clear()
                await self._changed.wait()

    def release(self, windows: list[Window]) -> None:
        now = self._now()
        for window in windows:
            window.give_back(now)
        self._changed.set()

    def slot(self, chat_id: int, stop: asyncio.Event | None = None, *, reply: bool = False) -> _Slot:
        """`stop` is not watched: every wait here ends within a window's span or a 429's pause."""
        return _Slot(self, chat_id, reply)

    def _tidy(self, now: float) -> None:
        self._takes += 1
        if self._takes % 1024:
            return
        for table in (self._chats, self._groups):
            for key in [key for key, window in table.items() if window.idle(now)]:
                del table[key]


class _Slot:
    __slots__ = ("_chat_id", "_limiter", "_reply", "_windows")

    def __init__(self, limiter: SendLimiter, chat_id: int, reply: bool) -> None:
        self._limiter = limiter
        self._chat_id = chat_id
        self._reply = reply
        self._windows: list[Window] = []

    async def __aenter__(self) -> None:
        self._windows = await self._limiter.acquire(self._chat_id, reply=self._reply)

    async def __aexit__(self, *_exc: object) -> None:
        self._limiter.release(self._windows)


def _get(table: dict[int, Window], key: int, limit: int, span: float) -> Window:
    window = table.get(key)
    if window is None:
        window = table[key] = Window(limit, span)
    return window
