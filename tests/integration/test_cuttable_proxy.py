"""The restart tests rest on the proxy's cut being whole: a connection that outlived it would let a client
go on as if its server never went away, and the test would wait for a warning that never comes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.proxy import cuttable


@asynccontextmanager
async def echo_server() -> AsyncIterator[int]:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.transport.abort()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def closed_by_the_other_end(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    try:
        writer.write(b"ping")
        await writer.drain()
        return await asyncio.wait_for(reader.read(16), 2) == b""
    except ConnectionError:
        return True
    finally:
        writer.transport.abort()


async def test_a_connection_carries_until_the_cut_and_none_is_made_during_it() -> None:
    async with echo_server() as port, cuttable("127.0.0.1", port) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.readexactly(4), 2) == b"ping"
        await proxy.cut()
        assert await closed_by_the_other_end(reader, writer)
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", proxy.port)
        await proxy.restore()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"back")
        assert await asyncio.wait_for(reader.readexactly(4), 2) == b"back"
        writer.transport.abort()


@pytest.mark.parametrize("attempt", range(20))
async def test_a_connection_made_just_before_the_cut_is_cut_too(attempt: int) -> None:
    """The kernel accepts at once; the proxy reaches the server a moment later. A cut in between once let
    such a connection through, and a client that opened one then never saw its server go away."""
    async with echo_server() as port, cuttable("127.0.0.1", port) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        await proxy.cut()
        assert await closed_by_the_other_end(reader, writer)
