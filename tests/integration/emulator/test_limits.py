"""Injected faults, blocked users and Telegram's sending limits."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import Emulator
from bot.emulator.limits import RateLimiter

from .conftest import USER, RawApi

GROUP = -1001234567890


@pytest.fixture(autouse=True)
async def _chats(emu: Emulator) -> None:
    await emu.send_text(USER, "hi")
    await emu.send_text(USER + 1, "hi")
    emu.create_group(GROUP, "社区活动群")


async def test_fault_429_carries_retry_after(api: RawApi, emu: Emulator) -> None:
    emu.inject_fault("429", method="sendMessage", retry_after=7)
    body = await api("sendMessage", chat_id=USER, text="x")
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert (await api("sendMessage", chat_id=USER, text="x"))["ok"] is True  # times=1: used up
    assert emu.violations == []
    assert emu.limit_breaches == []


async def test_fault_403_and_500_match_method_and_chat(api: RawApi, emu: Emulator) -> None:
    emu.inject_fault("403", chat_id=USER + 1, times=2)
    emu.inject_fault("500", method="sendchataction")
    assert (await api("sendMessage", chat_id=USER, text="x"))["ok"] is True
    blocked = await api("sendMessage", chat_id=USER + 1, text="x")
    assert blocked["error_code"] == 403
    assert blocked["description"] == "Forbidden: bot was blocked by the user"
    assert (await api("editMessageText", chat_id=USER + 1, message_id=1, text="x"))["error_code"] == 403
    assert (await api("sendChatAction", chat_id=USER, action="typing"))["error_code"] == 500
    assert (await api("sendMessage", chat_id=USER + 1, text="x"))["ok"] is True
    assert emu.violations == []
    assert [c.ok for c in emu.calls] == [True, False, False, False, True]


async def test_slow_fault_delays_then_answers(api: RawApi, emu: Emulator) -> None:
    emu.inject_fault("slow", method="sendMessage", delay=0.3)
    started = time.monotonic()
    assert (await api("sendMessage", chat_id=USER, text="x"))["ok"] is True
    assert time.monotonic() - started >= 0.3


async def test_faults_never_hit_getupdates_unless_named(api: RawApi, emu: Emulator) -> None:
    emu.inject_fault("500")
    assert (await api("getUpdates"))["ok"] is True
    assert (await api("getMe"))["error_code"] == 500


def test_unknown_fault_kind_is_refused(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.inject_fault("418")


async def test_blocked_user(api: RawApi, emu: Emulator) -> None:
    emu.block_user(USER)
    for _ in range(3):
        assert (await api("sendMessage", chat_id=USER, text="x"))["error_code"] == 403
    emu.unblock_user(USER)
    assert (await api("sendMessage", chat_id=USER, text="x"))["ok"] is True
    assert emu.violations == []


async def test_per_chat_limit(api: RawApi, emu: Emulator) -> None:
    emu.set_limits(per_chat_per_s=1)
    assert (await api("sendMessage", chat_id=USER, text="1"))["ok"] is True
    assert (await api("sendMessage", chat_id=USER + 1, text="other chat"))["ok"] is True
    refused = await api("sendMessage", chat_id=USER, text="2")
    assert refused["error_code"] == 429
    assert refused["parameters"]["retry_after"] == 1
    assert (await api("sendChatAction", chat_id=USER, action="typing"))["ok"] is True  # not a send
    (breach,) = emu.limit_breaches
    assert (breach.limit, breach.chat_id, breach.method) == ("per_chat", USER, "sendMessage")
    assert emu.violations == []


async def test_global_limit(api: RawApi, emu: Emulator) -> None:
    emu.set_limits(global_per_s=3)
    results = await asyncio.gather(*(api("sendMessage", chat_id=USER + i % 2, text=str(i)) for i in range(4)))
    assert sorted(r["ok"] for r in results) == [False, True, True, True]
    assert [b.limit for b in emu.limit_breaches] == ["global"]


def test_global_window_slides() -> None:
    limiter = RateLimiter()
    limiter.configure(3, None, None)
    assert [limiter.check(1, USER, t) for t in (0.0, 0.4, 0.8)] == [None, None, None]
    assert limiter.check(1, USER, 0.9) == ("global", 1)
    assert limiter.check(2, USER, 0.9) is None  # another bot has its own budget
    assert limiter.check(1, USER, 1.01) is None  # the send at 0.0 left the window
    assert limiter.check(1, USER, 1.02) == ("global", 1)


def test_group_limit_counts_a_minute() -> None:
    limiter = RateLimiter()
    limiter.configure(None, None, 20)
    assert all(limiter.check(1, GROUP, float(t)) is None for t in range(20))
    assert limiter.check(1, GROUP, 30.0) == ("per_group", 30)
    assert limiter.check(1, USER, 30.0) is None  # private chats are not groups
    assert limiter.check(1, GROUP, 60.5) is None  # the first send left the window


async def test_group_chat_messages(api: RawApi, emu: Emulator) -> None:
    await emu.send_text(USER, "大家好", chat_id=GROUP)
    (update, *_) = [u for u in (await api("getUpdates"))["result"] if u["message"]["chat"]["id"] == GROUP]
    assert update["message"]["chat"] == {"id": GROUP, "type": "supergroup", "title": "社区活动群"}
    emu.set_limits(per_group_per_min=2)
    assert (await api("sendMessage", chat_id=GROUP, text="1"))["ok"] is True
    assert (await api("sendMessage", chat_id=GROUP, text="2"))["ok"] is True
    refused = await api("sendMessage", chat_id=GROUP, text="3")
    assert refused["error_code"] == 429
    assert refused["parameters"]["retry_after"] > 50
