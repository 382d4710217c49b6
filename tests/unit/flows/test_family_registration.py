from __future__ import annotations

from bot.domain.people import AccountRole
from bot.flows import identify
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_ID, World, at_step, make_id

ZH = shared_i18n().translator("zh_Hans")


async def test_happy_path_links_the_family_member(world: World) -> None:
    chat = await at_step(world, "family_registration/relation")
    assert "儿子" in chat.buttons
    assert "⬅ 返回" in chat.buttons
    assert "📞 联系工作人员" in chat.buttons
    assert chat.deleted == [chat.last_message_id]  # the message that carried the number
    await chat.say("儿子")
    assert chat.state is None
    assert chat.account.role is AccountRole.FAMILY
    links = list(world.db.state.family.values())
    assert [(link.account_id, link.relation) for link in links] == [(chat.account.id, "son")]
    assert "张伟" in chat.text
    assert "儿子" in chat.text
    assert "📖 政策咨询" in chat.buttons


async def test_family_of_a_deceased_retiree_can_link(world: World) -> None:
    world.add_retiree("王芳", make_id(sequence=246), deceased=True)
    chat = await at_step(world, "family_registration/name")
    await chat.say("王芳")
    await chat.say(make_id(sequence=246).unmasked())
    await chat.say("配偶")
    assert chat.account.role is AccountRole.FAMILY


async def test_relation_step_reprompts_on_text_and_goes_back_without_the_match(world: World) -> None:
    chat = await at_step(world, "family_registration/relation")
    await chat.say("邻居")
    assert chat.state is not None
    assert chat.state.step == "relation"
    assert ZH.gettext("Please press one of the buttons below.") in chat.text
    await chat.say("⬅ 返回")
    assert chat.state is not None
    assert chat.state.step == "id_number"
    assert "retiree_id" not in chat.state.data
    assert world.db.state.family == {}


async def test_mismatch_is_generic_and_five_lock(world: World) -> None:
    chat = await at_step(world, "family_registration/name")
    await chat.say("李四")
    for _ in range(5):
        await chat.say(ROSTER_ID.unmasked())
    assert ZH.gettext(identify.LOCKED) in chat.text
    assert chat.account.role is AccountRole.NEW
    assert len(world.db.state.failures) == 5


async def test_relation_typed_in_another_language_is_understood(world: World) -> None:
    chat = await at_step(world, "family_registration/relation")
    await chat.say("daughter-in-law")
    assert [link.relation for link in world.db.state.family.values()] == ["daughter_in_law"]
