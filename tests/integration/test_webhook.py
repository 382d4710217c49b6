"""Webhook mode: the secret is checked, the webhook is set and removed, and a redelivered update is
answered once."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.emulator import Emulator
from handlers import Transport
from handlers.webhook_server import SECRET_HEADER
from storage.database import Database
from tests.integration.chat import joined, methods
from tests.integration.conftest import FRAMEWORKS, WEBHOOK_SECRET, BotApp, running_bot

USER = 3001


async def test_updates_arrive_through_the_webhook(webhook_app: BotApp) -> None:
    calls = await webhook_app.says(USER, "/start")

    assert methods(calls) == ["sendMessage"]
    set_webhook = next(c for c in webhook_app.emu.calls if c.method == "setWebhook")
    assert set_webhook.params["url"] == webhook_app.webhook_url
    assert set_webhook.params["secret_token"] == WEBHOOK_SECRET
    assert not any(c.method == "getUpdates" for c in webhook_app.emu.calls)


async def test_a_call_with_a_wrong_or_missing_secret_is_refused(webhook_app: BotApp) -> None:
    assert webhook_app.webhook_url is not None
    update = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "Mallory"},
            "from": {"id": USER, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
        },
    }
    statuses = []
    async with aiohttp.ClientSession() as session:
        for headers in ({SECRET_HEADER: "guessed"}, {}):
            async with session.post(webhook_app.webhook_url, json=update, headers=headers) as response:
                statuses.append(response.status)

    await webhook_app.emu.wait_quiet()
    assert statuses == [401, 401]
    assert webhook_app.emu.calls_to(USER) == []


async def test_stopping_removes_the_webhook(emulator: Emulator, database: Database) -> None:
    for framework in FRAMEWORKS:
        async with running_bot(framework, emulator, database, webhook=True):
            assert emulator.bot().webhook is not None

        assert emulator.bot().webhook is None
        assert emulator.calls[-1].method == "deleteWebhook"


def lose_first_answer(transport: Transport) -> None:
    """The first update is taken in, but the answer to Telegram is lost: Telegram delivers it again."""
    feed = transport._feed  # type: ignore[attr-defined]
    failed: list[int] = []

    async def flaky(raw: dict[str, Any]) -> None:
        await feed(raw)
        if not failed:
            failed.append(raw["update_id"])
            raise ConnectionResetError("answer lost")

    transport._feed = flaky  # type: ignore[attr-defined]


async def test_a_redelivered_update_is_answered_once(emulator: Emulator, database: Database) -> None:
    for user, framework in enumerate(FRAMEWORKS, start=USER):
        async with running_bot(framework, emulator, database, webhook=True, prepare=lose_first_answer) as app:
            await app.says(user, "/start")
            await emulator.wait_for(lambda: emulator.webhooks.delivered >= 1)
            await emulator.wait_quiet(quiet=0.3)

            webhook = emulator.bot().webhook
            assert webhook is not None
            assert "500" in (webhook.last_error_message or "")  # so it was delivered twice

            replies = emulator.calls_to(user, "sendMessage")
            assert len(replies) == 1, joined(replies)
