from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain.people import AccountRole, StaffRole
from bot.services.staff_invites import UnknownUnit, create_invite, hash_token, invite_link, redeem_invite
from tests.parts import shared_i18n
from tests.unit.chat import World

ZH = shared_i18n().translator("zh_Hans")
INVALID = "这个邀请链接无效"


async def test_token_is_url_safe_and_stored_only_as_its_hash(world: World) -> None:
    token = await create_invite(world.db.uow, "C001", StaffRole.SUPERVISOR, world.clock)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token)
    assert list(world.db.state.invites) == [hash_token(token)]
    assert token not in repr(world.db.state)
    invite = world.db.state.invites[hash_token(token)]
    assert invite.expires_at == world.clock.now() + timedelta(hours=72)
    assert invite_link("@my_bot", token) == f"https://t.me/my_bot?start={token}"


async def test_unknown_unit_is_refused(world: World) -> None:
    with pytest.raises(UnknownUnit):
        await create_invite(world.db.uow, "NOPE", StaffRole.STAFF, world.clock)


async def test_redeemed_once_through_the_deep_link(world: World) -> None:
    token = await create_invite(world.db.uow, "C001", StaffRole.SUPERVISOR, world.clock)
    chat = world.chat(601)
    await chat.command("start", token)
    assert chat.account.role is AccountRole.STAFF
    assert "幸福社区" in chat.text
    assert "主管" in chat.text
    assert "🏢 我的单位" in chat.buttons
    other = world.chat(602)
    await other.command("start", token)
    assert INVALID in other.text
    assert other.account.role is AccountRole.NEW
    assert [m.account_id for m in world.db.state.memberships] == [chat.account.id]


async def test_expired_invite_is_refused(world: World) -> None:
    token = await create_invite(world.db.uow, "C001", StaffRole.STAFF, world.clock)
    world.clock.advance(timedelta(hours=72, seconds=1))
    chat = world.chat(603)
    await chat.command("start", token)
    assert INVALID in chat.text
    assert chat.account.role is AccountRole.NEW


@pytest.mark.parametrize("payload", ["short", "x" * 65, "bad token with spaces", "<script>"])
async def test_malformed_payloads_are_refused_without_lookup(world: World, payload: str) -> None:
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        assert await redeem_invite(uow, payload, account, world.clock.now()) is None
    chat = world.chat(604)
    await chat.command("start", payload)
    assert INVALID in chat.text
    assert "<script>" not in chat.text
