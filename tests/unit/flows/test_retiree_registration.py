from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.domain.people import AccountRole
from bot.domain.resident_id import InvalidReason, check_character
from bot.flows import identify
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_ID, ROSTER_NAME, Chat, World, at_step, make_id, registered_retiree

ZH = shared_i18n().translator("zh_Hans")


def zh(message: str) -> str:
    return ZH.gettext(message)


async def test_happy_path_binds_the_account_and_greets_by_roster_name(world: World) -> None:
    chat = await at_step(world, "retiree_registration/id_number")
    await chat.say(ROSTER_ID.unmasked())
    assert chat.account.role is AccountRole.RETIREE
    assert chat.account.retiree_id is not None
    assert chat.state is None
    assert "欢迎您，张伟！" in chat.text
    assert "📖 政策咨询" in chat.buttons
    assert chat.deleted == [chat.last_message_id]  # the message that carried the number
    assert [e["action"] for e in world.db.state.audit] == ["retiree.bound"]


async def test_traditional_and_spaced_name_matches_simplified_roster(world: World) -> None:
    chat = await at_step(world, "retiree_registration/name")
    await chat.say(" 張　偉 ")
    await chat.say(ROSTER_ID.unmasked().lower())
    assert chat.account.role is AccountRole.RETIREE


async def test_legacy_15_digit_number_is_accepted(world: World) -> None:
    chat = await at_step(world, "retiree_registration/id_number")
    plain = ROSTER_ID.unmasked()
    await chat.say(plain[:6] + plain[8:17])
    assert chat.account.role is AccountRole.RETIREE


def _with_bad_birth_date() -> str:
    first17 = "210102" + "19501332" + "123"
    return first17 + check_character(first17)


def _with_bad_check_digit() -> str:
    plain = ROSTER_ID.unmasked()
    wrong = "0" if plain[-1] != "0" else "1"
    return plain[:17] + wrong


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12345", InvalidReason.LENGTH),
        ("21010219500517A23X", InvalidReason.CHARACTERS),
        (_with_bad_check_digit(), InvalidReason.CHECK_DIGIT),
        (_with_bad_birth_date(), InvalidReason.BIRTH_DATE),
    ],
)
async def test_each_invalid_id_gets_its_own_message_and_costs_no_attempt(
    world: World, typed: str, reason: InvalidReason
) -> None:
    chat = await at_step(world, "retiree_registration/id_number")
    await chat.say(typed)
    assert zh(identify.INVALID[reason]) in chat.text
    others = [zh(m) for r, m in identify.INVALID.items() if r is not reason]
    assert not any(other in chat.text for other in others)
    assert chat.state is not None
    assert chat.state.step == "id_number"
    assert chat.deleted == [chat.last_message_id], "the message with the number must be deleted"
    assert world.db.state.failures == []


async def test_wrong_name_and_unknown_id_get_the_same_answer(world: World) -> None:
    wrong_name = await at_step(world, "retiree_registration/name")
    await wrong_name.say("李四")
    await wrong_name.say(ROSTER_ID.unmasked())
    other = World()
    other.add_retiree("李四", make_id(sequence=888))
    unknown_id = await at_step(other, "retiree_registration/name")
    await unknown_id.say("李四")
    await unknown_id.say(make_id(sequence=456).unmasked())
    assert wrong_name.text == unknown_id.text
    assert zh(identify.NOT_FOUND) in wrong_name.text
    assert "4" in wrong_name.text  # tries left
    assert wrong_name.account.role is AccountRole.NEW
    assert len(world.db.state.failures) == 1


async def test_deceased_retiree_cannot_register_as_themself(world: World) -> None:
    world.add_retiree("王芳", make_id(sequence=246), deceased=True)
    chat = await at_step(world, "retiree_registration/name")
    await chat.say("王芳")
    await chat.say(make_id(sequence=246).unmasked())
    assert zh(identify.NOT_FOUND) in chat.text
    assert chat.account.role is AccountRole.NEW


async def _fail(chat: Chat, times: int) -> None:
    for _ in range(times):
        if chat.state is None or chat.state.step != "id_number":
            await chat.say("👴 我是退休人员")
            await chat.say("李四")
        await chat.say(ROSTER_ID.unmasked())


async def test_five_failures_lock_lookups_for_an_hour(world: World) -> None:
    chat = await at_step(world, "retiree_registration/name")
    await _fail(chat, 5)
    assert zh(identify.LOCKED) in chat.text
    assert chat.state is None or chat.state.flow == "start"
    # Locked: even the right name and number are refused without a lookup, and no failure is added.
    world.clock.advance(timedelta(minutes=30))
    await chat.say("👴 我是退休人员")
    await chat.say(ROSTER_NAME)
    assert zh(identify.LOCKED) in chat.text
    assert len(world.db.state.failures) == 5
    # An hour after the first failure the window has moved on.
    world.clock.advance(timedelta(minutes=31))
    await chat.say("👴 我是退休人员")
    await chat.say(ROSTER_NAME)
    await chat.say(ROSTER_ID.unmasked())
    assert chat.account.role is AccountRole.RETIREE


async def test_lock_is_checked_at_the_id_step_too(world: World) -> None:
    chat = await at_step(world, "retiree_registration/name")
    await chat.say("李四")
    await _fail(chat, 4)
    assert chat.state is not None
    assert chat.state.step == "id_number"
    # A fifth failure arrives from elsewhere (another device) while this chat waits for the number.
    world.db.state.failures.append((chat.account.id, world.clock.now()))
    await chat.say(ROSTER_ID.unmasked())
    assert zh(identify.LOCKED) in chat.text
    assert zh(identify.NOT_FOUND) not in chat.text
    assert len(world.db.state.failures) == 5
    assert chat.deleted == [chat.last_message_id]


async def test_back_goes_one_step_back(world: World) -> None:
    chat = await at_step(world, "retiree_registration/id_number")
    await chat.say("⬅ 返回")
    assert chat.state is not None
    assert chat.state.step == "name"
    assert chat.state.data == {}
    await chat.say("⬅ 返回")
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("start", "role")


@pytest.mark.parametrize("typed", ["110101195005171234", "王 123456", "1"])
async def test_name_step_refuses_numbers_and_deletes_a_number_typed_too_early(
    world: World, typed: str
) -> None:
    chat = await at_step(world, "retiree_registration/name")
    await chat.say(typed)
    assert chat.state is not None
    assert chat.state.step == "name"
    assert chat.deleted == ([chat.last_message_id] if len(typed) > 6 else [])
    assert chat.state.data == {}


async def test_the_id_number_is_never_stored_or_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = await at_step(world, "retiree_registration/name")
    plain = ROSTER_ID.unmasked()
    seen_states = []
    for typed in ("李四", plain, "⬅ 返回", ROSTER_NAME, plain[:17] + "0", plain):
        await chat.say(typed)
        seen_states.append(chat.raw_state)
    for needle in (plain, plain[:17], plain[6:14]):
        assert all(needle not in raw for raw in seen_states)
        assert needle not in repr(world.db.state.audit)
        assert needle not in caplog.text
    assert chat.account.role is AccountRole.RETIREE


async def test_registered_user_start_says_welcome_back(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.command("start")
    assert "欢迎回来" in chat.text
    assert "📖 政策咨询" in chat.buttons
