"""ReplyWatch: each chat's waiter resolves at the bot's next reply there, as the benchmarks' users wait."""

from __future__ import annotations

import asyncio

from bot.emulator import Emulator, RecordedCall, ReplyWatch

from .conftest import TOKEN, USER, RawApi

OTHER_USER = USER + 1
STRANGER = USER + 2  # never opened the bot: a message to them is refused


def _is_message(call: RecordedCall) -> bool:
    return call.method == "sendMessage"


async def test_each_chat_waits_for_its_own_reply(emu: Emulator, api: RawApi) -> None:
    emu.open_chat(USER)
    emu.open_chat(OTHER_USER)
    watch = ReplyWatch(emu, _is_message)
    async with watch.reading():
        first, second, refused = watch.expect(USER), watch.expect(OTHER_USER), watch.expect(STRANGER)
        await api("sendChatAction", chat_id=USER, action="typing")  # not what counts as a reply
        await api("sendMessage", chat_id=STRANGER, text="chat not found")
        await api("sendMessage", chat_id=OTHER_USER, text="to the other user")

        answered_at = await asyncio.wait_for(second, 5)
        assert not first.done()
        assert not refused.done()

        await api("sendMessage", chat_id=USER, text="to the user")
        assert await asyncio.wait_for(first, 5) >= answered_at
        assert not refused.done()


async def test_a_forgotten_chat_waits_no_more(emu: Emulator, api: RawApi) -> None:
    emu.open_chat(USER)
    watch = ReplyWatch(emu, _is_message)
    async with watch.reading():
        late = watch.expect(USER)
        watch.forget(USER)
        await api("sendMessage", chat_id=USER, text="too late")
        await emu.wait_quiet(quiet=0.05)
    assert not late.done()


async def test_reading_ends_with_its_block_even_as_a_call_comes_in(emu: Emulator) -> None:
    emu.open_chat(USER)
    watch = ReplyWatch(emu, _is_message)
    async with asyncio.timeout(5):
        async with watch.reading():
            await asyncio.sleep(0)  # the reader waits for the next call
            # The call is recorded and the block left at once, before the reader wakes for it: its
            # cancellation lands as its wait ends (which asyncio.wait_for on Python 3.11 would swallow).
            await emu.process(TOKEN, "sendMessage", {"chat_id": USER, "text": "just now"}, {})
