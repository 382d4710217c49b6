"""The same conversation through aiogram and through python-telegram-bot makes the same Bot API calls."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from bot.emulator import Emulator
from bot.emulator.testing import assert_no_violations, running_emulator
from bot.flows import buttons
from storage.database import Database
from tests.integration.chat import RETIREE_ID, RETIREE_NAME, en, last_markup, unknown_id
from tests.integration.conftest import FRAMEWORKS, BotApp, running_bot, sqlite_url

USER = 4001
# Buttons carry a random nonce (so an old button cannot be replayed): equal by shape, not by value.
NONCE = re.compile(r"\b[0-9a-f]{8}\b")
# Polling machinery differs by design (PTB confirms the last offset once more when stopping).
NOT_COMPARED = {"getUpdates"}


async def script(app: BotApp) -> None:
    emu = app.emu
    await app.says(USER, "/start")
    await app.says(USER, en(buttons.I_AM_RETIREE))
    await app.says(USER, RETIREE_NAME)
    await app.says(USER, RETIREE_ID[:-1] + "0")
    await app.says(USER, unknown_id(3))
    await app.says(USER, RETIREE_ID)
    await app.says(USER, en(buttons.POLICY))
    await app.says(USER, "/help")
    await app.says(USER, en(buttons.SETTINGS))
    question = await app.says(USER, en(buttons.UNLINK))
    no = last_markup(question)["inline_keyboard"][1][0]["callback_data"]
    await app.presses(USER, question[-1].result["message_id"], no)
    await app.presses(USER, question[-1].result["message_id"], no)
    await emu.send_sticker(USER)
    await emu.wait_for(lambda: emu.calls[-1].chat_id == USER and emu.calls[-1].method == "sendMessage")
    await emu.wait_quiet()
    await app.says(USER, "/language")
    await app.says(USER, "English")
    await app.says(USER, "<b>not a tag</b> & more")


def normalised(params: dict[str, Any]) -> Any:
    return json.loads(NONCE.sub("<nonce>", json.dumps(params, ensure_ascii=False)))


async def conversation(framework: str, template_db: Path, tmp_path: Path) -> list[tuple[str, Any]]:
    path = tmp_path / f"{framework}.sqlite3"
    shutil.copyfile(template_db, path)
    database = Database.from_url(sqlite_url(path))
    try:
        emulator: Emulator
        async with running_emulator() as emulator:
            async with running_bot(framework, emulator, database) as app:
                await script(app)
            assert_no_violations(emulator)
            return [(c.method, normalised(c.params)) for c in emulator.calls if c.method not in NOT_COMPARED]
    finally:
        await database.dispose()


async def test_both_frameworks_make_the_same_calls(template_db: Path, tmp_path: Path) -> None:
    aiogram_calls, ptb_calls = [await conversation(f, template_db, tmp_path) for f in FRAMEWORKS]

    assert len(aiogram_calls) > 20
    assert [m for m, _ in aiogram_calls] == [m for m, _ in ptb_calls]
    for (method, ours), (_, theirs) in zip(aiogram_calls, ptb_calls, strict=True):
        assert ours == theirs, method
