"""Every conversation of the foundation, through both frameworks against the emulator."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from bot.domain.people import StaffRole
from bot.emulator import Emulator
from bot.flows import buttons, language, wording
from bot.i18n import LANGUAGE_NAMES
from bot.services.staff_invites import create_invite
from tests.integration.chat import (
    RETIREE_ID,
    RETIREE_NAME,
    en,
    joined,
    last_markup,
    methods,
    reply_labels,
    unknown_id,
)
from tests.integration.conftest import BotApp

USER = 2001


async def register(app: BotApp, user: int = USER) -> None:
    await app.says(user, "/start")
    await app.says(user, en(buttons.I_AM_RETIREE))
    await app.says(user, RETIREE_NAME)
    calls = await app.says(user, RETIREE_ID)
    assert en("You are registered.") in joined(calls)


async def test_start_with_a_known_language_asks_who_you_are(bot_app: BotApp) -> None:
    calls = await bot_app.says(USER, "/start")

    assert methods(calls) == ["sendMessage"]
    assert calls[0].params["parse_mode"] == "HTML"
    assert calls[0].params["link_preview_options"] == {"is_disabled": True}
    markup = last_markup(calls)
    assert markup["resize_keyboard"] is True
    assert markup["is_persistent"] is True
    assert en(buttons.I_AM_RETIREE) in reply_labels(calls)
    assert en(buttons.I_AM_FAMILY) in reply_labels(calls)


async def test_start_without_a_language_offers_every_language(bot_app: BotApp) -> None:
    # The emulator gives new users a language; this one's Telegram app tells none.
    bot_app.emu.world.user(USER).language_code = None

    calls = await bot_app.says(USER, "/start", language_code=None)

    assert set(LANGUAGE_NAMES.values()) <= set(reply_labels(calls))
    assert en(language.CHOOSE) in joined(calls)

    chosen = await bot_app.says(USER, "English", language_code=None)

    assert en(language.CHOSEN) in joined(chosen)
    assert en(buttons.I_AM_RETIREE) in reply_labels(chosen)


async def test_a_retiree_registers_and_sees_the_menu(bot_app: BotApp) -> None:
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    asked = await bot_app.says(USER, RETIREE_NAME)
    assert RETIREE_NAME in joined(asked)

    calls = await bot_app.says(USER, RETIREE_ID)

    # The message holding the ID number is removed from the chat.
    assert "deleteMessage" in methods(calls)
    assert RETIREE_NAME in joined(calls)
    assert RETIREE_ID not in joined(calls)
    assert en(buttons.POLICY) in reply_labels(calls)


async def test_a_mistyped_id_number_is_explained(bot_app: BotApp) -> None:
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    await bot_app.says(USER, RETIREE_NAME)

    wrong_digit = await bot_app.says(USER, RETIREE_ID[:-1] + "0")
    unknown = await bot_app.says(USER, unknown_id(7))

    assert "does not add up" in joined(wrong_digit)
    assert "could not find" in joined(unknown)
    assert "4 more times" in joined(unknown)


async def test_five_failures_lock_registration(bot_app: BotApp) -> None:
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    await bot_app.says(USER, RETIREE_NAME)
    for attempt in range(4):
        await bot_app.says(USER, unknown_id(attempt))

    fifth = await bot_app.says(USER, unknown_id(9))
    assert "registration is paused" in joined(fifth)

    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    still_locked = await bot_app.says(USER, RETIREE_NAME)
    assert "registration is paused" in joined(still_locked)

    bot_app.clock.offset += timedelta(hours=1, minutes=1)
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))
    await bot_app.says(USER, RETIREE_NAME)
    after_an_hour = await bot_app.says(USER, RETIREE_ID)
    assert en("You are registered.") in joined(after_an_hour)


async def test_a_family_member_links_to_a_retiree(bot_app: BotApp) -> None:
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_FAMILY))
    await bot_app.says(USER, RETIREE_NAME)
    relation = await bot_app.says(USER, RETIREE_ID)
    assert en(buttons.RELATIONS[next(iter(buttons.RELATIONS))]) in reply_labels(relation)

    calls = await bot_app.says(USER, "Son")

    assert "registered as family" in joined(calls)
    assert RETIREE_NAME in joined(calls)
    assert en(buttons.POLICY) in reply_labels(calls)


async def test_a_staff_invitation_link_makes_staff_once(bot_app: BotApp) -> None:
    token = await create_invite(bot_app.database.uow, "2101010101", StaffRole.STAFF, bot_app.clock)

    calls = await bot_app.says(USER, f"/start {token}")
    again = await bot_app.says(USER + 1, f"/start {token}")

    assert "杏花社区" in joined(calls)
    assert en(buttons.STAFF_UNIT) in reply_labels(calls)
    assert "not valid" in joined(again)


async def test_every_area_of_the_main_menu_answers_and_none_says_it_is_being_prepared(
    bot_app: BotApp,
) -> None:
    await register(bot_app)
    for label in (buttons.POLICY, buttons.CERTIFICATION, buttons.DEATH_BENEFIT, buttons.ACTIVITIES):
        calls = await bot_app.says(USER, en(label))
        assert calls
        assert "being prepared" not in joined(calls)
        await bot_app.says(USER, "/menu")


async def test_help_menu_cancel_and_language_commands(bot_app: BotApp) -> None:
    await register(bot_app)

    help_calls = await bot_app.says(USER, "/help")
    menu_calls = await bot_app.says(USER, "/menu")
    await bot_app.says(USER, "/language")
    cancelled = await bot_app.says(USER, "/cancel")
    language_calls = await bot_app.says(USER, f"/language@{bot_app.emu.bot_username}")

    assert en(buttons.ASK_PERSON) in joined(help_calls)
    assert en("Main menu") in joined(menu_calls)
    assert en(wording.CANCELLED) in joined(cancelled)
    assert set(LANGUAGE_NAMES.values()) <= set(reply_labels(language_calls))


async def test_cancel_in_the_middle_of_registration(bot_app: BotApp) -> None:
    await bot_app.says(USER, "/start")
    await bot_app.says(USER, en(buttons.I_AM_RETIREE))

    cancelled = await bot_app.says(USER, "/cancel")
    name_now = await bot_app.says(USER, RETIREE_NAME)

    assert en(wording.CANCELLED) in joined(cancelled)
    assert "could not find" not in joined(name_now)
    assert RETIREE_NAME not in joined(name_now)  # not taken as a registration answer any more


def answered_since(emu: Emulator, start: int) -> bool:
    return any(c.chat_id == USER for c in emu.calls[start:])


async def test_unexpected_input_gets_a_friendly_reprompt(bot_app: BotApp) -> None:
    emu = bot_app.emu
    await bot_app.says(USER, "/start")
    unsupported = en(wording.UNSUPPORTED_CONTENT)

    for send in (emu.send_sticker, emu.send_photo, emu.send_voice, emu.send_document, emu.send_video):
        before = len(emu.calls)
        await send(USER)
        await emu.wait_for(partial(answered_since, emu, before))
        await emu.wait_quiet(USER)
        replies = [c for c in emu.calls[before:] if c.chat_id == USER]
        assert unsupported in joined(replies)
        assert en(buttons.I_AM_RETIREE) in reply_labels(replies)

    long_text = await bot_app.says(USER, "养老金" * 2000)
    assert en(buttons.I_AM_RETIREE) in reply_labels(long_text)


async def test_stale_and_forged_buttons_are_answered(bot_app: BotApp) -> None:
    await register(bot_app)
    await bot_app.says(USER, en(buttons.SETTINGS))
    question = await bot_app.says(USER, en(buttons.UNLINK))
    message_id = question[-1].result["message_id"]
    data = last_markup(question)["inline_keyboard"][1][0]["callback_data"]
    kept = await bot_app.presses(USER, message_id, data)
    assert methods(kept)[:2] == ["answerCallbackQuery", "editMessageText"]

    stale = await bot_app.presses(USER, message_id, data)
    forged = await bot_app.presses(USER, message_id, "v1:settings:deadbeef:y")

    for calls in (stale, forged):
        assert methods(calls)[0] == "answerCallbackQuery"
        assert en(wording.STALE_BUTTON) in joined(calls)
    assert en(buttons.WHO_AM_I) in reply_labels(forged)  # back at the settings question
