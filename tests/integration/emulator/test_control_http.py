"""The control API over HTTP, as the demo and benchmarks use it from another process."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable

import pytest

from bot.emulator import Emulator

from .conftest import USER, RawApi


async def test_send_text_and_read_back(api: RawApi, emu: Emulator) -> None:
    body = await api.control("send_text", user_id=USER, text="你好", first_name="李")
    assert body["ok"] is True
    update = (await api("getUpdates"))["result"][0]
    assert update["update_id"] == body["result"]
    assert update["message"]["from"]["first_name"] == "李"
    await api(
        "sendMessage",
        chat_id=USER,
        text="<b>欢迎</b>",
        parse_mode="HTML",
        reply_markup={"keyboard": [[{"text": "菜单"}]], "is_persistent": True},
    )
    messages = (await api.control("messages", chat_id=USER))["result"]
    assert [(m["text"], m["html"]) for m in messages] == [("欢迎", "<b>欢迎</b>")]
    transcript = (await api.control("transcript", chat_id=USER))["result"]
    assert [m["from_bot"] for m in transcript] == [False, True]
    keyboard = (await api.control("reply_keyboard", chat_id=USER))["result"]
    assert keyboard["keyboard"] == [[{"text": "菜单"}]]
    calls = (await api.control("calls", since=0))["result"]
    assert [c["method"] for c in calls] == ["sendMessage"]


async def test_press_button_and_media(api: RawApi, emu: Emulator) -> None:
    await api.control("open_chat", user_id=USER)
    sent = await api(
        "sendMessage",
        chat_id=USER,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    message_id = sent["result"]["message_id"]
    assert (await api.control("press_button", user_id=USER, message_id=message_id, callback_data="forged"))[
        "ok"
    ]
    content = base64.b64encode(b"%PDF-1.7 test").decode()
    assert (await api.control("send_document", user_id=USER, file_name="death.pdf", content_base64=content))[
        "ok"
    ]
    for action in ("send_photo", "send_voice", "send_video", "send_sticker"):
        assert (await api.control(action, user_id=USER))["ok"] is True, action
    assert (await api.control("send_contact", user_id=USER, phone_number="+8613800000000"))["ok"] is True
    updates = (await api("getUpdates"))["result"]
    assert updates[0]["callback_query"]["data"] == "forged"
    document = updates[1]["message"]["document"]
    assert document["file_name"] == "death.pdf"
    file_path = (await api("getFile", file_id=document["file_id"]))["result"]["file_path"]
    async with api.session.get(f"{emu.base_url}/file/bot{api.token}/{file_path}") as response:
        assert await response.read() == b"%PDF-1.7 test"
    kinds = [
        next(k for k in ("photo", "voice", "video", "sticker", "contact") if k in u["message"])
        for u in updates[2:]
    ]
    assert kinds == ["photo", "voice", "video", "sticker", "contact"]


async def test_user_says_over_http(api: RawApi, emu: Emulator) -> None:
    async def bot() -> None:
        update = (await api("getUpdates", timeout=5))["result"][0]
        await api(
            "sendMessage", chat_id=update["message"]["chat"]["id"], text="echo " + update["message"]["text"]
        )

    task = asyncio.create_task(bot())
    body = await api.control("user_says", user_id=USER, text="ping")
    await task
    assert [c["params"]["text"] for c in body["result"]] == ["echo ping"]


async def test_faults_limits_and_blocks_over_http(api: RawApi, emu: Emulator) -> None:
    await emu.send_text(USER, "hi")
    assert (await api.control("fault", kind="429", method="sendMessage", retry_after=3))["ok"] is True
    assert (await api("sendMessage", chat_id=USER, text="x"))["parameters"] == {"retry_after": 3}
    await api.control("block_user", user_id=USER)
    assert (await api("sendMessage", chat_id=USER, text="x"))["error_code"] == 403
    await api.control("unblock_user", user_id=USER)
    await api.control("limits", per_chat_per_s=1)
    await api("sendMessage", chat_id=USER, text="1")
    await api("sendMessage", chat_id=USER, text="2")
    breaches = (await api.control("limit_breaches"))["result"]
    assert [b["limit"] for b in breaches] == ["per_chat"]
    await api("sendMessage", chat_id=USER, text="<b>", parse_mode="HTML")
    violations = (await api.control("violations"))["result"]
    assert violations[0]["description"].startswith("Bad Request: can't parse entities")
    stats = (await api.control("stats"))["result"]
    assert stats["violations"] == 1
    assert stats["limit_breaches"] == 1


async def test_calls_long_poll(api: RawApi, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    await emu.send_text(USER, "hi")
    polling = asyncio.Event()
    wait_for = emu.wait_for

    async def spied(predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        polling.set()
        await wait_for(predicate, timeout)

    monkeypatch.setattr(emu, "wait_for", spied)
    waiting = asyncio.create_task(api.control("calls", since=0, wait=30))
    await asyncio.wait_for(polling.wait(), 10)  # the request is in, waiting for a call
    await api("sendMessage", chat_id=USER, text="late")
    # Far sooner than the request's own 30 s: only the call can have ended it.
    result = (await asyncio.wait_for(waiting, 10))["result"]
    assert [c["params"]["text"] for c in result] == ["late"]


async def test_control_errors(api: RawApi) -> None:
    unknown = await api.control("teleport")
    assert unknown["ok"] is False
    assert "unknown control action" in unknown["description"]
    bad = await api.control("send_text", user_id="abc", text="x")
    assert bad == {"ok": False, "description": "ValueError: user_id must be an integer"}
    missing = await api.control("press_button", user_id=USER, message_id=5, callback_data="a")
    assert missing["ok"] is False
    assert "no message 5" in missing["description"]
