from __future__ import annotations

from tests.unit.chat import World, at_step, registered_retiree


async def test_switching_language_changes_every_following_text(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("❓ 帮助")
    chinese_help = chat.text
    await chat.command("language")
    await chat.say("English")
    assert chat.account.locale == "en"
    assert chat.state is None
    assert "📖 Policy questions" in chat.buttons
    await chat.say("❓ Help")
    assert "How to use this service" in chat.text
    assert chat.text != chinese_help
    await chat.say("🌐 Language / 语言")
    await chat.say("繁體中文")
    assert "📖 政策諮詢" in chat.buttons
    assert chat.account.locale == "zh_Hant"


async def test_language_step_reprompts_on_anything_else(world: World) -> None:
    chat = await at_step(world, "language/choose")
    await chat.say("Deutsch")
    assert chat.state is not None
    assert chat.state.flow == "language"
    assert "English" in chat.buttons
    await chat.say("⬅ 返回")
    assert chat.state is not None
    assert chat.state.flow == "start"
    assert chat.account.locale == "zh_Hans"
