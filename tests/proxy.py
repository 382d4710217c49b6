"""A TCP proxy inside the test (asyncio, loopback only) that can cut every connection to a server and let
them be made again: a PostgreSQL or Redis restart as its clients see it, while the server itself keeps
running for the rest of the suite."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class CuttableProxy:
    """Listens on 127.0.0.1:`port` and pipes each connection to `target`. `cut()` drops every connection
    and stops listening (new ones are refused, as by a server that is down); `restore()` listens again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        assert target_host in ("127.0.0.1", "localhost", "::1"), "loopback only"
        self._target = (target_host, target_port)
        self.port = _free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.connections = 0  # accepted since the start: a client that reconnected shows here

    @property
    def is_cut(self) -> bool:
        return self._server is None

    async def restore(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()

    async def close(self) -> None:
        await self.cut()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A connection the kernel accepted just before a cut is served only after it: it is cut too.
        if self.is_cut:
            writer.transport.abort()
            return
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            self._writers.discard(writer)
            writer.transport.abort()
            return
        if writer.transport.is_closing():  # cut while this reached the server
            up_writer.transport.abort()
            return
        self.connections += 1
        self._writers.add(up_writer)
        pipes = [
            asyncio.create_task(_pipe(reader, up_writer)),
            asyncio.create_task(_pipe(up_reader, writer)),
        ]
        self._tasks.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pipes:
                task.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            self._tasks.difference_update(pipes)
            for side in (writer, up_writer):
                self._writers.discard(side)
                side.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def cuttable(host: str, port: int) -> AsyncIterator[CuttableProxy]:
    proxy = CuttableProxy(host, port)
    await proxy.restore()
    try:
        yield proxy
    finally:
        await proxy.close()
