"""The transports themselves, with a stand-in core: command menus, per-chat order, proactive messages,
refusals turned into neutral errors."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest

from bot.actions import Action, SendText
from bot.emulator import Emulator
from bot.emulator.bots import WebhookConfig
from bot.emulator.testing import running_emulator
from bot.events import Event
from handlers import (
    BotIdentity,
    InvalidToken,
    RecipientBlocked,
    TransientError,
    WebhookStatus,
    create_transport,
)
from handlers.pipeline import Core
from handlers.transport_base import Transport
from tests.integration.conftest import FRAMEWORKS, TOKEN, BotApp


class SlowEcho:
    """Answers each text after a random pause, so that unordered handling would show. The pauses are the
    workload, not a wait for anything; seeded, so a failure comes back with the same pauses."""

    def __init__(self, seed: int = 20250301) -> None:
        self._random = random.Random(seed)

    async def handle(self, event: Event) -> Sequence[Action]:
        await asyncio.sleep(self._random.uniform(0, 0.02))
        return [SendText(event.chat_id, event.text)]


@contextlib.asynccontextmanager
async def polling(emulator: Emulator, framework: str, core: Core) -> AsyncIterator[None]:
    """The transport polls the emulator for the block's duration, then finishes and closes."""
    transport = create_transport(
        framework, token=TOKEN, api_base=emulator.base_url, core=core, poll_timeout=1
    )
    stop = asyncio.Event()
    task = asyncio.create_task(transport.run_polling(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await transport.close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_each_chat_is_answered_in_order(emulator: Emulator, framework: str) -> None:
    users = [7001, 7002, 7003]
    async with polling(emulator, framework, SlowEcho()):
        for n in range(15):
            for user in users:
                await emulator.send_text(user, f"m{n}")
        await emulator.wait_for(lambda: all(len(emulator.messages(u)) == 15 for u in users), timeout=15)

    for user in users:
        assert [m.text for m in emulator.messages(user)] == [f"m{n}" for n in range(15)]


async def test_command_menus_are_set_per_language_alike(bot_app: BotApp) -> None:
    menu = bot_app.core.command_menu()

    await bot_app.transport.set_commands(menu)

    calls = [c for c in bot_app.emu.calls if c.method == "setMyCommands"]
    assert len(calls) == len(menu)
    for call, (language, entries) in zip(calls, menu.items(), strict=True):
        assert call.params.get("language_code") == (language or None)
        assert call.params["commands"] == [{"command": c, "description": d} for c, d in entries]


async def test_a_proactive_message_to_a_blocked_user_raises_a_neutral_error(bot_app: BotApp) -> None:
    bot_app.emu.open_chat(7100)
    message_id = await bot_app.transport.messenger.execute(SendText(7100, "<b>Reminder</b>"))
    bot_app.emu.block_user(7100)

    with pytest.raises(RecipientBlocked):
        await bot_app.transport.messenger.execute(SendText(7100, "again"))

    assert message_id == bot_app.emu.messages(7100)[0].message_id


class Echo:
    async def handle(self, event: Event) -> Sequence[Action]:
        return [SendText(event.chat_id, event.text)]


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_polling_carries_on_after_telegram_fails_a_fetch(emulator: Emulator, framework: str) -> None:
    emulator.inject_fault("500", method="getUpdates", times=2)
    async with polling(emulator, framework, Echo()):
        await emulator.send_text(7201, "still there?")
        await emulator.wait_for(lambda: len(emulator.messages(7201)) == 1, timeout=20)

    assert [m.text for m in emulator.messages(7201)] == ["still there?"]
    failed = [c for c in emulator.calls if c.method == "getUpdates" and not c.ok]
    assert len(failed) == 2


@contextlib.asynccontextmanager
async def probing(api_base: str, framework: str, token: str = TOKEN) -> AsyncIterator[Transport]:
    transport = create_transport(framework, token=token, api_base=api_base, core=Echo())
    try:
        yield transport
    finally:
        await transport.close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_the_bot_learns_who_it_is_and_where_its_updates_go(emulator: Emulator, framework: str) -> None:
    bot_id = int(TOKEN.partition(":")[0])
    failed_at = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    async with probing(emulator.base_url, framework) as transport:
        assert await transport.bot_identity() == BotIdentity(bot_id, emulator.bot_username)
        assert await transport.webhook_status() == WebhookStatus(url="", pending_update_count=0)

        await emulator.send_text(7301, "waiting")
        emulator.bot(bot_id).webhook = WebhookConfig(
            url="http://127.0.0.1:9/hook",
            last_error_date=int(failed_at.timestamp()),
            last_error_message="Connection refused",
        )
        status = await transport.webhook_status()

    assert status == WebhookStatus("http://127.0.0.1:9/hook", 1, failed_at, "Connection refused")


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("token", ["123456:short", "not-a-token", "123456:has space inside it XXXXX"])
async def test_a_token_telegram_does_not_know_is_an_invalid_token(framework: str, token: str) -> None:
    async with running_emulator() as emulator:
        with pytest.raises(InvalidToken):
            async with probing(emulator.base_url, framework, token) as transport:
                await transport.bot_identity()

    # Refused by the server when well-formed, before any call when not.
    assert [(v.method, v.description) for v in emulator.violations] == (
        [("getMe", "Unauthorized")] if token == "123456:short" else []
    )


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_an_unreachable_bot_api_is_a_transient_error(framework: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    async with probing(closed, framework) as transport:
        with pytest.raises(TransientError):
            await transport.bot_identity()
