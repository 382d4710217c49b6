from __future__ import annotations

from datetime import date

from bot.actions import EditText
from bot.domain.people import AccountRole
from tests.unit.chat import ROSTER_ID, ROSTER_NAME, World, at_step, make_id


async def test_who_am_i_shows_the_masked_id_and_community_only(world: World) -> None:
    chat = await at_step(world, "settings/menu")
    await chat.say("👤 我的信息")
    assert ROSTER_ID.masked in chat.text
    assert ROSTER_ID.unmasked() not in chat.text
    assert "幸福社区" in chat.text
    assert "张伟" in chat.text


async def test_unlink_confirmed_by_inline_button(world: World) -> None:
    chat = await at_step(world, "settings/confirm_unlink")
    yes = chat.inline_keyboard.rows[0][0]
    await chat.press(yes.callback_data, message_id=77)
    assert len(chat.answered) == 1
    assert any(isinstance(a, EditText) and a.message_id == 77 for a in chat.last)
    assert chat.account.role is AccountRole.NEW
    assert chat.account.retiree_id is None
    assert "👴 我是退休人员" in chat.buttons
    # The same button pressed again is stale now.
    await chat.press(yes.callback_data, message_id=77)
    assert chat.answered[0].text == "这个按钮已经失效了。"


async def test_unlink_declined_keeps_everything(world: World) -> None:
    chat = await at_step(world, "settings/confirm_unlink")
    no = chat.inline_keyboard.rows[1][0]
    await chat.press(no.callback_data)
    assert chat.account.role is AccountRole.RETIREE
    assert chat.state is not None
    assert chat.state.step == "menu"


async def test_button_of_an_earlier_question_is_stale(world: World) -> None:
    chat = await at_step(world, "settings/confirm_unlink")
    old_yes = chat.inline_keyboard.rows[0][0].callback_data
    await chat.say("⬅ 返回")
    await chat.say("🔓 解除账号绑定")
    await chat.press(old_yes)
    assert chat.account.role is AccountRole.RETIREE
    assert chat.answered
    assert chat.answered[0].text
    assert chat.state is not None
    assert chat.state.step == "confirm_unlink"


async def test_text_at_the_confirmation_reprompts_and_settings_buttons_still_work(world: World) -> None:
    chat = await at_step(world, "settings/confirm_unlink")
    await chat.say("好的")
    assert "是" in chat.text
    assert chat.inline_keyboard
    await chat.say("👤 我的信息")
    assert chat.state is not None
    assert chat.state.step == "menu"
    assert chat.account.role is AccountRole.RETIREE


async def test_staff_cannot_unlink_themselves(world: World) -> None:
    chat = await at_step(world, "menu/staff")
    await chat.say("⚙️ 设置")
    assert "🔓 解除账号绑定" not in chat.buttons
    await chat.say("🔓 解除账号绑定")
    assert chat.account.role is AccountRole.STAFF


async def test_staff_are_not_offered_to_add_a_retiree(world: World) -> None:
    staff = await at_step(world, "menu/staff")
    await staff.say("⚙️ 设置")
    assert "➕ 添加我照顾的退休人员" not in staff.buttons
    await staff.say("➕ 添加我照顾的退休人员")
    assert staff.state is not None
    assert (staff.state.flow, staff.state.step) == ("settings", "menu")


async def test_a_retiree_adds_their_spouse_and_chooses_whose_certification(world: World) -> None:
    spouse = make_id(date(1952, 8, 8), sequence=21)
    world.add_retiree("王芳", spouse)
    retiree = await at_step(world, "settings/menu")
    await retiree.say("➕ 添加我照顾的退休人员")
    for said in ("王芳", spouse.unmasked(), "配偶"):
        await retiree.say(said)
    assert retiree.account.role is AccountRole.RETIREE
    await retiree.say("✅ 资格认证")
    assert retiree.buttons[:2] == [ROSTER_NAME, "王芳"]
    await retiree.say("王芳")
    assert "王芳的认证" in retiree.text


async def test_a_family_member_adding_a_retiree_can_go_back_to_settings(world: World) -> None:
    family = await at_step(world, "family_registration/relation")
    await family.say("儿子")
    await family.say("⚙️ 设置")
    assert "➕ 添加我照顾的退休人员" in family.buttons
    await family.say("➕ 添加我照顾的退休人员")
    assert family.state is not None
    assert (family.state.flow, family.state.step) == ("family_registration", "name")
    await family.say("⬅ 返回")
    assert family.state is not None
    assert (family.state.flow, family.state.step) == ("settings", "menu")
    assert family.account.role is AccountRole.FAMILY
