from __future__ import annotations

import asyncio

import pytest

from bot.emulator import Emulator
from bot.emulator.client import ControlClient, ControlError

from .conftest import USER, RawApi


async def test_control_client_round_trip(emu: Emulator, api: RawApi) -> None:
    async with ControlClient(emu.base_url) as control:
        update_id = await control.send_text(USER, "hi")
        assert (await api("getUpdates"))["result"][0]["update_id"] == update_id
        sent = await api(
            "sendMessage",
            chat_id=USER,
            text="x",
            reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        )
        waiting = asyncio.create_task(control.calls(since=1, wait=2))
        await control.press_button(USER, sent["result"]["message_id"], "a")
        await api(
            "answerCallbackQuery",
            callback_query_id=(await api("getUpdates", offset=update_id + 1))["result"][0]["callback_query"][
                "id"
            ],
        )
        assert [c["method"] for c in await waiting] == ["answerCallbackQuery"]
        assert [m["text"] for m in await control.messages(USER)] == ["x"]
        with pytest.raises(ControlError, match="no message 99"):
            await control.press_button(USER, 99, "a")
