"""A benchmark's helper process: a Python module run as a child and spoken to in JSON lines (one request a
line on its standard input, one answer a line on its standard output), so that the load it makes and the
bot it measures do not share one event loop."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any


class JsonLinesChild:
    def __init__(self, module: str, *args: str, what: str, line_limit: int) -> None:
        """`what` names the child in errors; `line_limit` must fit the longest answer (one latency per
        update can make a long line)."""
        self._argv = (sys.executable, "-m", module, *args)
        self._what = what
        self._line_limit = line_limit
        self._child: asyncio.subprocess.Process | None = None

    async def start(self) -> dict[str, Any]:
        """Start the child; its first answer (what it tells about itself) is returned."""
        self._child = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=self._line_limit,
        )
        return await self._receive()

    async def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        child = self._running()
        assert child.stdin is not None
        child.stdin.write((json.dumps(request) + "\n").encode())
        await child.stdin.drain()
        return await self._receive()

    async def _receive(self) -> dict[str, Any]:
        child = self._running()
        assert child.stdout is not None
        line = await child.stdout.readline()
        if not line:
            raise RuntimeError(f"{self._what} ended (exit status {await child.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _running(self) -> asyncio.subprocess.Process:
        if self._child is None:
            raise RuntimeError(f"{self._what} is not started")
        return self._child

    async def stop(self) -> None:
        """Close its input (the child ends when it reads no more) and wait, killing it after 10 s."""
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin is not None:
            child.stdin.close()
        try:
            await asyncio.wait_for(child.wait(), timeout=10)
        except TimeoutError:
            child.kill()
            await child.wait()
