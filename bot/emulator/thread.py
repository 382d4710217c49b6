"""Run an Emulator on its own event loop in a daemon thread, for synchronous callers (benchmarks,
a terminal demo) that then talk to it over HTTP (base_url and the /control API)."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Any

from bot.emulator.emulator import Emulator


class EmulatorThread:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> None:
        self.emulator = Emulator(**kwargs)
        self._host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bot-api-emulator", daemon=True)

    @property
    def base_url(self) -> str:
        return self.emulator.base_url

    def start(self) -> str:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self.emulator.start(self._host, self._port), self._loop)
        return future.result(timeout=10)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self.emulator.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> EmulatorThread:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
