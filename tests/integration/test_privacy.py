"""After a registration, the plain ID number is nowhere: not in the database files, not in any log."""

from __future__ import annotations

import logging

import pytest

from bot.flows import buttons
from tests.integration.chat import RETIREE_ID, RETIREE_NAME, en, joined
from tests.integration.conftest import BotApp

USER = 6001


async def test_the_id_number_is_not_stored_or_logged(
    bot_app: BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    await bot_app.says(USER, RETIREE_NAME)
    # A first, mistyped attempt as well: failures are recorded too.
    await bot_app.says(USER, RETIREE_ID[:-2] + "99")
    calls = await bot_app.says(USER, RETIREE_ID)
    assert en("You are registered.") in joined(calls)

    files = [bot_app.db_path, bot_app.db_path.with_name(bot_app.db_path.name + "-wal")]
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    assert len(stored) > 0
    for form in (RETIREE_ID, RETIREE_ID[:-2] + "99"):
        assert form.encode() not in stored
        assert form not in caplog.text
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
