"""A local Telegram Bot API emulator for tests, `retiree-bot demo` and benchmarks.

Framework-free (aiohttp only). Start it, point a bot at `emu.base_url`, act as users, inspect:

    async with Emulator() as emu:            # or: await emu.start(host, port) ... await emu.stop()
        aiogram: AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
        PTB:     telegram.Bot(token, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")
        calls = await emu.user_says(1001, "/start")
        assert emu.messages(1001)[-1].text == ...
        assert emu.violations == []

Bot API (like api.telegram.org)
    GET|POST {base}/bot{TOKEN}/{method}      JSON, urlencoded or multipart body (files as parts, directly
                                             or via "attach://name"); method names are case-insensitive.
                                             Every call is validated against the spec JSON; refusals
                                             (400/401/404/409) are appended to emu.violations.
    GET      {base}/file/bot{TOKEN}/{path}   download a file (file_path from getFile)

Control API: {base}/control/{action}, JSON object in (POST body or GET query), JSON out:
{"ok": true, "result": ...} or {"ok": false, "description": ...} (400, 404 unknown action, 408 timeout).
    send_text       user_id, text, [language_code, first_name, chat_id]      -> update_id
    press_button    user_id, message_id, callback_data, [chat_id]             -> update_id
    send_photo      user_id, [caption, content_base64, chat_id]               -> update_id
    send_document   user_id, [file_name, content_base64, mime_type, caption]  -> update_id
    send_voice | send_video | send_sticker   user_id, [chat_id]               -> update_id
    send_contact    user_id, phone_number                                     -> update_id
    user_says       user_id, text, [timeout, quiet, language_code, first_name, chat_id] -> [call]
    user_presses    user_id, message_id, callback_data, [timeout, quiet, chat_id]     -> [call]
    open_chat       user_id, [first_name, language_code]    (the user opened the bot, wrote nothing)
    create_group    chat_id (negative), [title]
    wait_quiet      [chat_id, quiet, timeout]
    calls           [since, chat_id, wait]   calls with seq >= since; wait>0 long-polls for the first
    messages | transcript | reply_keyboard   chat_id   (bot's messages | both sides | keyboard shown)
    violations | limit_breaches | stats
    fault           kind ("429"|"403"|"500"|"slow"), [method, chat_id, times, retry_after, delay]
    clear_faults | block_user user_id | unblock_user user_id
    limits          [global_per_s, per_chat_per_s, per_group_per_min]   (absent = unlimited)
From other code: bot.emulator.client.ControlClient (async HTTP client for the above),
bot.emulator.thread.EmulatorThread (an emulator on its own loop in a daemon thread, for sync callers) and
bot.emulator.ReplyWatch (the bot's next answer in each of many chats, for benchmarks).
`python -m bot.emulator --port 8081` runs one until SIGINT/SIGTERM.
A call record is {seq, method, params, ok, error, error_code, at, chat_id, bot_id}; a message is
{message_id, chat_id, text, from_bot, kind, html, parse_mode, entities, reply_markup, edited, ...}.
"""

from bot.emulator.emulator import Emulator
from bot.emulator.records import BotMessage, LimitBreach, RecordedCall, Violation
from bot.emulator.replies import ReplyWatch
from bot.emulator.spec import SpecNotFoundError

__all__ = [
    "BotMessage",
    "Emulator",
    "LimitBreach",
    "RecordedCall",
    "ReplyWatch",
    "SpecNotFoundError",
    "Violation",
]
