"""The command list registered with Telegram: every command in each language Telegram can tell apart."""

from __future__ import annotations

from bot.flows.command_menu import COMMANDS, command_menu
from bot.i18n import I18n


def test_each_language_lists_every_command_translated() -> None:
    menu = command_menu(I18n(), "zh_Hans")
    assert set(menu) == {"", "en", "zh"}
    names = [name for name, _ in COMMANDS]
    for commands in menu.values():
        assert [name for name, _ in commands] == names
        assert all(0 < len(description) <= 256 for _, description in commands)
    assert dict(menu["en"])["cancel"] == "Stop and go back to the menu"
    assert dict(menu["zh"])["cancel"] == "停止并返回菜单"


def test_chinese_follows_a_traditional_default() -> None:
    menu = command_menu(I18n(), "zh_Hant")
    assert dict(menu["zh"])["language"] == "更換語言"
    assert dict(menu[""])["language"] == "更換語言"
