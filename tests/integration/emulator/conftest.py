from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.emulator.testing import running_emulator

TOKEN = "123456:AAEmulatorTestTokenXXXXXXXXXXXX"
USER = 1001


class RawApi:
    """Talks to the emulator over plain HTTP, to see exactly what a client would get back."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession, token: str = TOKEN) -> None:
        self.emu = emu
        self.session = session
        self.token = token

    def url(self, method: str) -> str:
        return f"{self.emu.base_url}/bot{self.token}/{method}"

    async def __call__(self, method: str, **params: Any) -> dict[str, Any]:
        async with self.session.post(self.url(method), json=params) as response:
            body: dict[str, Any] = await response.json()
            assert response.status == (200 if body["ok"] else body["error_code"])
            return body

    async def form(self, method: str, **params: Any) -> dict[str, Any]:
        """As PTB and aiogram send: every value a string, complex values JSON-encoded."""
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        async with self.session.post(self.url(method), data=data) as response:
            body: dict[str, Any] = await response.json()
            return body

    async def control(self, action: str, **args: Any) -> dict[str, Any]:
        async with self.session.post(f"{self.emu.base_url}/control/{action}", json=args) as response:
            body: dict[str, Any] = await response.json()
            return body


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as emulator:
        yield emulator


@pytest.fixture
async def api(emu: Emulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(emu, session)
