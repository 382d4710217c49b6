from __future__ import annotations

import asyncio

import aiohttp

from bot.emulator.client import ControlClient
from bot.emulator.thread import EmulatorThread

from .conftest import TOKEN, USER


def test_emulator_in_a_thread_driven_over_http() -> None:
    async def drive(base_url: str) -> list[dict[str, object]]:
        async with ControlClient(base_url) as control:
            await control.send_text(USER, "hi")
            async with aiohttp.ClientSession() as session:
                url = f"{base_url}/bot{TOKEN}/sendMessage"
                async with session.post(url, json={"chat_id": USER, "text": "hello"}) as response:
                    assert response.status == 200
            return await control.messages(USER)

    with EmulatorThread() as thread:
        messages = asyncio.run(drive(thread.base_url))
        assert [m["text"] for m in messages] == ["hello"]
        assert thread.emulator.violations == []
