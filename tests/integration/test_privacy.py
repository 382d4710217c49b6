"""After a registration, the plain ID number is nowhere: not in the database files, not in any log. Typed
anywhere else, it is deleted from the chat and stored only masked."""

from __future__ import annotations

import logging

import pytest

from bot.flows import buttons, identify, policy
from tests.integration.chat import RETIREE_ID, RETIREE_NAME, en, joined, methods, reply_labels
from tests.integration.conftest import BotApp
from tests.integration.test_policy import loaded_answerer

USER = 6001
__all__ = ["loaded_answerer"]  # the fixture, used here too


def stored_bytes(app: BotApp) -> bytes:
    files = [app.db_path, app.db_path.with_name(app.db_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


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

    stored = stored_bytes(bot_app)
    assert len(stored) > 0
    for form in (RETIREE_ID, RETIREE_ID[:-2] + "99"):
        assert form.encode() not in stored
        assert form not in caplog.text
    assert any(record.levelno == logging.DEBUG for record in caplog.records)


async def test_an_id_number_typed_in_a_question_is_deleted_and_the_question_answered(
    bot_app: BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    await bot_app.says(USER, RETIREE_NAME)
    await bot_app.says(USER, RETIREE_ID)

    spaced = f"{RETIREE_ID[:6]} {RETIREE_ID[6:14]} {RETIREE_ID[14:]}"
    calls = await bot_app.says(USER, f"My ID number is {spaced}. When is the yearly certification?")

    assert methods(calls) == ["deleteMessage", "sendMessage"]
    assert calls[0].ok, calls[0].error
    (reply,) = [str(c.params["text"]) for c in calls if c.method == "sendMessage"]
    assert reply.startswith(en(identify.DELETED))
    assert "certif" in reply.removeprefix(en(identify.DELETED)).lower()  # and the question's answer

    # Nothing but the number: deleted, said why, and the step's question again (the chat is asking
    # questions now).
    alone = await bot_app.says(USER, RETIREE_ID)
    assert methods(alone) == ["deleteMessage", "sendMessage"]
    assert en(identify.DELETED) in joined(alone)
    assert en(policy.ASK_PROMPT) in joined(alone)
    assert reply_labels(alone) == [en(buttons.MAIN_MENU), en(buttons.ASK_PERSON)]

    stored = stored_bytes(bot_app)
    for form in (RETIREE_ID, spaced):
        assert form.encode() not in stored
        assert form not in caplog.text
