"""Both real frameworks talk HTTP to the emulator and parse every answer into their models."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.emulator import Emulator

from .conftest import TOKEN, USER


@pytest.fixture
async def aiogram_bot(emu: Emulator) -> AsyncIterator[AiogramBot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    bot = AiogramBot(TOKEN, session=session)
    yield bot
    await session.close()


@pytest.fixture
async def ptb_bot(emu: Emulator) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")
    async with bot:
        yield bot


async def test_aiogram_conversation(aiogram_bot: AiogramBot, emu: Emulator) -> None:
    me = await aiogram_bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "retiree_demo_bot"
    await emu.send_text(USER, "/start", first_name="王")
    (update,) = await aiogram_bot.get_updates(timeout=1)
    assert update.message is not None
    assert update.message.text == "/start"
    menu = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="政策问答"), KeyboardButton(text="资格认证")]],
        resize_keyboard=True,
        is_persistent=True,
    )
    await aiogram_bot.send_message(USER, "<b>欢迎</b>", parse_mode="HTML", reply_markup=menu)
    assert emu.last_reply_keyboard(USER) is not None
    inline = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="是", callback_data="yes")]])
    sent = await aiogram_bot.send_message(USER, "确认?", reply_markup=inline)
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump(exclude_none=True) == inline.model_dump(exclude_none=True)
    await emu.press_button(USER, sent.message_id, "yes")
    (query_update,) = await aiogram_bot.get_updates(offset=update.update_id + 1, timeout=1)
    query = query_update.callback_query
    assert query is not None
    assert query.data == "yes"
    assert await aiogram_bot.answer_callback_query(query.id, text="好的")
    edited = await aiogram_bot.edit_message_text("已确认", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "已确认"
    await aiogram_bot.send_message(USER, "bye", reply_markup=ReplyKeyboardRemove())
    assert emu.last_reply_keyboard(USER) is None
    photo = await aiogram_bot.send_photo(USER, BufferedInputFile(b"jpeg-bytes", "p.jpg"), caption="照片")
    assert photo.photo is not None
    assert photo.caption == "照片"
    file = await aiogram_bot.get_file(photo.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await aiogram_bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"jpeg-bytes"
    assert await aiogram_bot.set_my_commands([])
    assert emu.violations == []


async def test_aiogram_sees_telegram_errors(aiogram_bot: AiogramBot, emu: Emulator) -> None:
    await emu.send_text(USER, "hi")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await aiogram_bot.send_message(USER, "a < b", parse_mode="HTML")
    assert len(emu.violations) == 1


async def test_ptb_conversation(ptb_bot: telegram.Bot, emu: Emulator) -> None:
    assert ptb_bot.username == "retiree_demo_bot"
    await emu.send_text(USER, "/start")
    (update,) = await ptb_bot.get_updates(timeout=1)
    assert update.message is not None
    assert update.message.text == "/start"
    menu = telegram.ReplyKeyboardMarkup([["政策问答", "资格认证"]], resize_keyboard=True, is_persistent=True)
    await ptb_bot.send_message(USER, "<b>欢迎</b>", parse_mode="HTML", reply_markup=menu)
    keyboard = emu.last_reply_keyboard(USER)
    assert keyboard is not None
    assert keyboard["keyboard"][0][1]["text"] == "资格认证"
    inline = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("是", callback_data="yes")]])
    sent = await ptb_bot.send_message(USER, "确认?", reply_markup=inline)
    assert sent.reply_markup == inline
    await emu.press_button(USER, sent.message_id, "yes")
    (query_update,) = await ptb_bot.get_updates(offset=update.update_id + 1, timeout=1)
    query = query_update.callback_query
    assert query is not None
    assert query.data == "yes"
    assert await ptb_bot.answer_callback_query(query.id)
    edited = await ptb_bot.edit_message_text("已确认", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "已确认"
    document = await ptb_bot.send_document(USER, document=b"%PDF", filename="a.pdf", caption="文件")
    assert document.document is not None
    assert document.document.file_name == "a.pdf"
    file = await ptb_bot.get_file(document.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"%PDF")
    await ptb_bot.send_message(USER, "bye", reply_markup=telegram.ReplyKeyboardRemove())
    assert emu.last_reply_keyboard(USER) is None
    assert emu.violations == []


async def test_ptb_sees_telegram_errors(
    ptb_bot: telegram.Bot, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns about RetryAfter.retry_after turning into a timedelta unless opted in.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
        await ptb_bot.send_message(999, "nobody")
    emu.inject_fault("429", method="sendMessage", retry_after=2)
    await emu.send_text(USER, "hi")
    with pytest.raises(telegram.error.RetryAfter, match="Retry in 0:00:02"):
        await ptb_bot.send_message(USER, "x")
    emu.block_user(USER)
    with pytest.raises(telegram.error.Forbidden):
        await ptb_bot.send_message(USER, "x")
    assert [v.description for v in emu.violations] == ["Bad Request: chat not found"]


async def test_both_frameworks_send_the_same_call(
    aiogram_bot: AiogramBot, ptb_bot: telegram.Bot, emu: Emulator
) -> None:
    await emu.send_text(USER, "hi")
    await aiogram_bot.send_message(
        USER,
        "<i>x</i>",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    await ptb_bot.send_message(
        USER,
        "<i>x</i>",
        parse_mode="HTML",
        reply_markup=telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("A", callback_data="a")]]),
    )
    aiogram_call, ptb_call = emu.calls_to(USER, "sendMessage")
    assert aiogram_call.params == ptb_call.params
