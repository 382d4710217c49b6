"""getUpdates: offsets, limits, long polling, and its conflict with a webhook."""

from __future__ import annotations

import asyncio
import time

from bot.emulator import Emulator
from tests.waiting import wait_until

from .conftest import USER, RawApi


async def _ids(api: RawApi, **params: object) -> list[int]:
    body = await api("getUpdates", **params)
    assert body["ok"] is True, body
    return [u["update_id"] for u in body["result"]]


async def test_offset_confirms_earlier_updates(api: RawApi, emu: Emulator) -> None:
    first = await emu.send_text(USER, "1")
    second = await emu.send_text(USER, "2")
    third = await emu.send_text(USER, "3")
    assert await _ids(api) == [first, second, third]
    assert await _ids(api) == [first, second, third]  # nothing confirmed yet
    assert await _ids(api, offset=second) == [second, third]
    assert await _ids(api) == [second, third]  # the confirmation stuck
    assert await _ids(api, offset=third + 1) == []


async def test_limit(api: RawApi, emu: Emulator) -> None:
    ids = [await emu.send_text(USER, str(i)) for i in range(5)]
    assert await _ids(api, limit=2) == ids[:2]
    assert await _ids(api, offset=ids[2], limit=100) == ids[2:]


async def test_negative_offset_keeps_only_the_last_updates(api: RawApi, emu: Emulator) -> None:
    ids = [await emu.send_text(USER, str(i)) for i in range(5)]
    assert await _ids(api, offset=-2) == ids[-2:]
    assert await _ids(api) == ids[-2:]  # the older ones are forgotten


async def test_update_shape(api: RawApi, emu: Emulator) -> None:
    await emu.send_text(USER, "/start abc", first_name="王", language_code="zh-hant")
    (update,) = (await api("getUpdates"))["result"]
    message = update["message"]
    assert message["text"] == "/start abc"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {"id": USER, "is_bot": False, "first_name": "王", "language_code": "zh-hant"}
    assert message["chat"] == {"id": USER, "type": "private", "first_name": "王"}


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: RawApi, emu: Emulator) -> None:
    poll = asyncio.create_task(_ids(api, timeout=50))
    await wait_until(lambda: emu.poll_count == 1)  # the poll is in, waiting for an update
    update_id = await emu.send_text(USER, "now")
    # Far sooner than the poll's own 50 s: only the update's arrival can have ended it.
    assert await asyncio.wait_for(poll, 10) == [update_id]


async def test_long_poll_times_out_empty(api: RawApi) -> None:
    # The wall clock is what is under test here: the poll's own 1 s timeout.
    started = time.monotonic()
    assert await _ids(api, timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3.0


async def test_getupdates_is_not_a_recorded_call(api: RawApi, emu: Emulator) -> None:
    await _ids(api)
    assert emu.calls == []
    assert emu.poll_count == 1


async def test_allowed_updates_filters_new_updates(api: RawApi, emu: Emulator) -> None:
    await _ids(api, allowed_updates=["callback_query"])
    await emu.send_text(USER, "ignored")
    assert await _ids(api) == []


async def test_conflict_while_webhook_is_set(api: RawApi, emu: Emulator) -> None:
    assert (await api("setWebhook", url="http://127.0.0.1:9/hook"))["result"] is True
    body = await api("getUpdates")
    assert body["error_code"] == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook is active")
    assert emu.violations[-1].error_code == 409
    assert (await api("deleteWebhook"))["result"] is True
    assert (await api("getUpdates"))["ok"] is True


async def test_updates_wait_for_the_first_bot(emu: Emulator, api: RawApi) -> None:
    """Users may write before the bot connects: the first bot to poll gets their updates."""
    update_id = await emu.send_text(USER, "early")
    assert await _ids(api) == [update_id]
