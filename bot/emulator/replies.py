"""Waiting for the bot's answer in many chats at once, for the benchmarks' simulated users: one reader
goes through the emulator's call log, once, for all the chats waiting, instead of each user scanning it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.emulator.emulator import Emulator
from bot.emulator.records import RecordedCall


class ReplyWatch:
    """Resolves the waiter of each chat at the bot's next call to it that `is_reply` accepts, with the
    call's time (`RecordedCall.at`, time.monotonic())."""

    def __init__(self, emulator: Emulator, is_reply: Callable[[RecordedCall], bool]) -> None:
        self._emulator = emulator
        self._is_reply = is_reply
        self._seen = len(emulator.calls)
        self._waiting: dict[int, asyncio.Future[float]] = {}

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        """A future for the time of the bot's next reply in `chat_id`: ask before sending what it answers."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = future
        return future

    def forget(self, chat_id: int) -> None:
        """Stop waiting for `chat_id` (its reply did not come in time)."""
        self._waiting.pop(chat_id, None)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Read the emulator's calls, resolving waiters, for as long as the block runs."""
        reader = asyncio.create_task(self._read())
        try:
            yield
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _read(self) -> None:
        calls = self._emulator.calls
        while True:
            await self._emulator.wait_for(lambda: len(calls) > self._seen, timeout=3600)
            for call in calls[self._seen :]:
                if call.ok and call.chat_id is not None and self._is_reply(call):
                    future = self._waiting.pop(call.chat_id, None)
                    if future is not None and not future.done():
                        future.set_result(call.at)
            self._seen = len(calls)
