from __future__ import annotations

from bot.flows import buttons
from tests.parts import shared_i18n
from tests.unit.chat import World, at_step

ZH = shared_i18n().translator("zh_Hans")


async def test_typed_question_is_answered_honestly(world: World) -> None:
    chat = await at_step(world, "menu/retiree")
    await chat.say("明天天气怎么样？")
    assert (
        ZH.gettext(
            "Sorry, I am not sure about this. I would rather not guess: a person from your community "
            "office can answer it."
        )
        in chat.text
    )


async def test_help_has_the_safety_line_once(world: World) -> None:
    chat = await at_step(world, "menu/retiree")
    await chat.say("❓ 帮助")
    safety = ZH.gettext("Staff will never ask for SMS codes, passwords or money transfers.")
    assert chat.text.count(safety) == 1
    assert ZH.gettext(buttons.POLICY) in chat.buttons


async def test_staff_menu_shows_unit_and_role(world: World) -> None:
    chat = await at_step(world, "menu/staff")
    assert "幸福社区：工作人员" in chat.text
    assert "🏢 我的单位" in chat.buttons
    await chat.say("🏢 我的单位")
    assert "幸福社区" in chat.text
