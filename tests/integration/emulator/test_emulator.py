"""The Emulator's own API: lifecycle, acting as users, waiting, and reading the chat back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator, SpecNotFoundError
from bot.emulator.testing import assert_no_violations, running_emulator
from tests.waiting import wait_until

from .conftest import USER, RawApi


class EchoBot:
    """A minimal polling bot written against raw HTTP, like a framework would be."""

    def __init__(self, api: RawApi) -> None:
        self.api = api
        self.offset = 0

    async def run(self) -> None:
        while True:
            body = await self.api("getUpdates", offset=self.offset, timeout=5)
            for update in body["result"]:
                self.offset = update["update_id"] + 1
                await self.handle(update)

    async def handle(self, update: dict[str, object]) -> None:
        message = update.get("message")
        query = update.get("callback_query")
        if isinstance(message, dict):
            chat_id = message["chat"]["id"]
            await self.api("sendChatAction", chat_id=chat_id, action="typing")
            await self.api(
                "sendMessage",
                chat_id=chat_id,
                text=f"<b>{message['text']}</b>",
                parse_mode="HTML",
                reply_markup={"inline_keyboard": [[{"text": "再说一次", "callback_data": "again"}]]},
            )
        elif isinstance(query, dict):
            await self.api("answerCallbackQuery", callback_query_id=query["id"])
            chat_id = query["message"]["chat"]["id"]
            await self.api(
                "editMessageText",
                chat_id=chat_id,
                message_id=query["message"]["message_id"],
                text=f"pressed {query['data']}",
            )


@pytest.fixture
async def echo(api: RawApi) -> AsyncIterator[EchoBot]:
    bot = EchoBot(api)
    task = asyncio.create_task(bot.run())
    yield bot
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_user_says_returns_the_calls_made_in_response(emu: Emulator, echo: EchoBot) -> None:
    calls = await emu.user_says(USER, "你好")
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    assert all(c.ok and c.chat_id == USER for c in calls)
    (message,) = emu.messages(USER)
    assert (message.text, message.html) == ("你好", "<b>你好</b>")
    assert message.button_texts() == ["再说一次"]
    assert message.callback_data("再说一次") == "again"


async def test_user_presses_applies_the_edit(emu: Emulator, echo: EchoBot) -> None:
    await emu.user_says(USER, "x")
    message_id = emu.messages(USER)[-1].message_id
    calls = await emu.user_presses(USER, message_id, "again")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    (message,) = emu.messages(USER)
    assert message.text == "pressed again"
    assert message.edited
    assert message.reply_markup is None
    assert [m.from_bot for m in emu.transcript(USER)] == [False, True]
    assert_no_violations(emu)


async def test_many_users_at_once(emu: Emulator, echo: EchoBot) -> None:
    users = range(2000, 2050)
    results = await asyncio.gather(*(emu.user_says(u, f"u{u}") for u in users))
    assert all(
        [c.params["text"] for c in r if c.method == "sendMessage"] == [f"<b>u{u}</b>"]
        for u, r in zip(users, results, strict=True)
    )


async def test_user_says_times_out_with_a_dump(emu: Emulator) -> None:
    with pytest.raises(TimeoutError, match=r"condition not met within 0\.2s") as error:
        await emu.user_says(USER, "anyone?", timeout=0.2)
    assert "pending=1" in str(error.value)


async def test_wait_for_and_wait_quiet(emu: Emulator, api: RawApi) -> None:
    await emu.send_text(USER, "hi")
    task = asyncio.create_task(api("sendMessage", chat_id=USER, text="later"))
    await emu.wait_for(lambda: len(emu.calls) == 1, timeout=2)
    await task
    await api("getUpdates")
    await emu.wait_quiet(USER, quiet=0.05, timeout=1)
    with pytest.raises(TimeoutError):
        await emu.wait_for(lambda: False, timeout=0.05)


async def test_user_profile_and_media_from_users(emu: Emulator, api: RawApi) -> None:
    await emu.send_text(USER, "1", first_name="张", language_code="en")
    await emu.send_photo(USER, caption="证件照")
    await emu.send_document(USER, file_name="死亡证明.pdf", content=b"%PDF")
    await emu.send_voice(USER)
    await emu.send_video(USER)
    await emu.send_sticker(USER)
    updates = (await api("getUpdates"))["result"]
    assert {u["message"]["from"]["first_name"] for u in updates} == {"张"}
    assert updates[1]["message"]["caption"] == "证件照"
    assert updates[2]["message"]["document"]["file_name"] == "死亡证明.pdf"
    assert [m.kind for m in emu.transcript(USER)] == [
        "text",
        "photo",
        "document",
        "voice",
        "video",
        "sticker",
    ]


async def test_reply_keyboard_state(emu: Emulator, api: RawApi) -> None:
    emu.open_chat(USER)
    assert emu.last_reply_keyboard(USER) is None
    await api("sendMessage", chat_id=USER, text="menu", reply_markup={"keyboard": [[{"text": "帮助"}]]})
    await api(
        "sendMessage",
        chat_id=USER,
        text="inline",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    keyboard = emu.last_reply_keyboard(USER)
    assert keyboard is not None
    assert keyboard["keyboard"] == [[{"text": "帮助"}]]
    await api("sendMessage", chat_id=USER, text="gone", reply_markup={"remove_keyboard": True})
    assert emu.last_reply_keyboard(USER) is None


async def test_press_button_on_a_missing_message(emu: Emulator) -> None:
    emu.open_chat(USER)
    with pytest.raises(ValueError, match="no message 3"):
        await emu.press_button(USER, 3, "x")


async def test_two_bots_have_their_own_updates(emu: Emulator, api: RawApi) -> None:
    await api("getMe")  # the first bot becomes the one users talk to
    other = RawApi(emu, api.session, token="777:BBBotherTokenXXXXXXXXXXXXXXXX")
    await emu.send_text(USER, "to first")
    await emu.send_text(USER, "to second", bot_id=777)
    assert [u["message"]["text"] for u in (await api("getUpdates"))["result"]] == ["to first"]
    assert [u["message"]["text"] for u in (await other("getUpdates"))["result"]] == ["to second"]
    assert (await other("getMe"))["result"]["id"] == 777


async def test_assert_no_violations_lists_them(emu: Emulator, api: RawApi) -> None:
    assert_no_violations(emu)
    await api("sendMessage", chat_id=USER, text="x")
    with pytest.raises(AssertionError, match="chat not found"):
        assert_no_violations(emu)


async def test_async_with_and_stop_while_polling() -> None:
    async with Emulator() as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as session:
            api = RawApi(emu, session)
            poll = asyncio.create_task(api("getUpdates", timeout=30))
            await wait_until(lambda: emu.poll_count == 1)  # the poll is in, waiting for an update
            await asyncio.wait_for(emu.stop(), 3)
            assert (await poll)["result"] == []


async def test_running_emulator_helper() -> None:
    async with running_emulator(bot_username="other_bot") as emu:
        assert emu.bot_username == "other_bot"


def test_spec_path_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SpecNotFoundError, match=r"telegram-bot-api\.json"):
        Emulator(spec_path=tmp_path / "missing.json")
    monkeypatch.setenv("RETIREE_BOT_API_SPEC", str(tmp_path / "nowhere.json"))
    with pytest.raises(SpecNotFoundError, match="RETIREE_BOT_API_SPEC"):
        Emulator()
