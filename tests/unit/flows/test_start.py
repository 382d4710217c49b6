from __future__ import annotations

from tests.unit.chat import World, at_step


async def test_known_language_goes_straight_to_the_role_question(world: World) -> None:
    chat = world.chat(language_code="zh-hant")
    await chat.command("start")
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("start", "role")
    assert chat.buttons == ["👴 我是退休人員", "👪 我是家屬", "🌐 語言 / Language", "📞 聯絡工作人員"]
    assert chat.account.locale == "zh_Hant"


async def test_unknown_language_is_asked_first_in_every_language(world: World) -> None:
    chat = world.chat(language_code="de")
    await chat.command("start")
    assert chat.state is not None
    assert chat.state.flow == "language"
    assert "请选择语言" in chat.text
    assert "請選擇語言" in chat.text
    assert "Please choose" in chat.text
    assert chat.buttons[:3] == ["简体中文", "繁體中文", "English"]
    await chat.say("English")
    assert chat.account.locale == "en"
    assert "From now on I will write in English." in chat.text
    assert "👴 I am a retiree" in chat.buttons


async def test_language_button_on_the_role_question(world: World) -> None:
    chat = await at_step(world, "start/role")
    await chat.say("🌐 语言 / Language")
    assert chat.state is not None
    assert chat.state.flow == "language"
    await chat.say("繁體中文")
    assert chat.state is not None
    assert chat.state.flow == "start"
    assert "👴 我是退休人員" in chat.buttons


async def test_first_message_without_start_gets_the_role_question(world: World) -> None:
    chat = world.chat()
    await chat.say("你好")
    assert "👴 我是退休人员" in chat.buttons
    assert chat.state is not None
    assert chat.state.flow == "start"


async def test_role_buttons_lead_to_the_registrations(world: World) -> None:
    chat = await at_step(world, "start/role")
    await chat.say("👪 我是家属")
    assert chat.state is not None
    assert chat.state.flow == "family_registration"
    await chat.say("⬅ 返回")
    await chat.say("I am a retiree")
    assert chat.state is not None
    assert chat.state.flow == "retiree_registration"
