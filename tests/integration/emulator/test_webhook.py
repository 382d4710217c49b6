"""Webhook delivery: JSON POSTs with the secret header, in order, retried until accepted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.emulator import Emulator
from tests.waiting import wait_until

from .conftest import USER, RawApi


class Receiver:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.fail_next = 0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=500)
        self.updates.append(await request.json())
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    await runner.cleanup()


async def test_updates_are_posted_in_order_with_the_secret(
    api: RawApi, emu: Emulator, receiver: Receiver
) -> None:
    assert (await api("setWebhook", url=receiver.url, secret_token="s3cret_-X"))["result"] is True
    ids = [await emu.send_text(USER, str(i)) for i in range(20)]
    await emu.wait_for(lambda: len(receiver.updates) == 20)
    assert [u["update_id"] for u in receiver.updates] == ids
    assert set(receiver.secrets) == {"s3cret_-X"}
    info = (await api("getWebhookInfo"))["result"]
    assert info["url"] == receiver.url
    assert info["pending_update_count"] == 0


async def test_failed_deliveries_are_retried(api: RawApi, emu: Emulator, receiver: Receiver) -> None:
    receiver.fail_next = 2
    await api("setWebhook", url=receiver.url)
    first = await emu.send_text(USER, "a")
    second = await emu.send_text(USER, "b")
    await emu.wait_for(lambda: len(receiver.updates) == 2)
    assert [u["update_id"] for u in receiver.updates] == [first, second]
    assert receiver.secrets == [None, None]
    info = (await api("getWebhookInfo"))["result"]
    assert "500" in info["last_error_message"]


async def test_pending_updates_survive_a_webhook_switch(api: RawApi, emu: Emulator) -> None:
    await api("setWebhook", url="http://127.0.0.1:9/nobody-listens")
    update_id = await emu.send_text(USER, "kept")

    async def delivery_failed() -> bool:
        return "last_error_message" in (await api("getWebhookInfo"))["result"]

    await wait_until(delivery_failed)  # the update was tried at the dead webhook, and kept
    await api("deleteWebhook")
    assert [u["update_id"] for u in (await api("getUpdates"))["result"]] == [update_id]


async def test_drop_pending_updates(api: RawApi, emu: Emulator) -> None:
    await emu.send_text(USER, "old")
    await api("deleteWebhook", drop_pending_updates=True)
    assert (await api("getUpdates"))["result"] == []


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "ftp://127.0.0.1/hook", "https://example.org/hook"])
async def test_only_loopback_http_urls(api: RawApi, emu: Emulator, url: str) -> None:
    body = await api("setWebhook", url=url)
    assert body["error_code"] == 400
    assert body["description"].startswith("Bad Request: bad webhook:")


async def test_secret_token_characters(api: RawApi, receiver: Receiver) -> None:
    body = await api("setWebhook", url=receiver.url, secret_token="no spaces")
    assert body["description"] == "Bad Request: secret token contains unallowed characters"
