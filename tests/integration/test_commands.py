from __future__ import annotations

import pytest

from handlers.commands import ParsedCommand, addressed_elsewhere, parse_command


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("/start", ParsedCommand("start", "", None)),
        ("/start abc_123", ParsedCommand("start", "abc_123", None)),
        ("/start\nabc", ParsedCommand("start", "abc", None)),
        ("/Help@My_Bot  more words ", ParsedCommand("help", "more words", "My_Bot")),
        ("/cancel   ", ParsedCommand("cancel", "", None)),
    ],
)
def test_commands_are_recognised(text: str, parsed: ParsedCommand) -> None:
    assert parse_command(text) == parsed


@pytest.mark.parametrize("text", ["hello", "/", "/ start", "/开始", "/a-b", "x/start", "", "/" + "a" * 33])
def test_other_texts_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_a_command_for_another_bot_is_recognised_as_such() -> None:
    command = parse_command("/help@other_bot")
    assert command is not None

    assert addressed_elsewhere(command, "my_bot")
    assert not addressed_elsewhere(command, "OTHER_bot")
    assert not addressed_elsewhere(command, None)
