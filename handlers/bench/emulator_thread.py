"""The emulator (and the simulated users) on their own event loop in a background thread.

Sharing one loop with the bot under test would charge the emulator's work to the bot: every database
round trip of the core waits for a loop turn, and a turn that also serves the emulator is longer. In
production Telegram is elsewhere; a thread keeps the emulator in-process but off the bot's loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.emulator import Emulator

T = TypeVar("T")


class EmulatorThread:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="emulator", daemon=True)
        self.emulator: Emulator | None = None

    async def __aenter__(self) -> Emulator:
        self._thread.start()
        self.emulator = await self.run(self._start())
        return self.emulator

    async def _start(self) -> Emulator:
        emulator = Emulator()
        await emulator.start()
        return emulator

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the emulator's loop and wait for it from the caller's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def __aexit__(self, *_: object) -> None:
        if self.emulator is not None:
            await self.run(self.emulator.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)
        self._loop.close()
