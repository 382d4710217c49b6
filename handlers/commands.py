"""Recognising a bot command in a message text, the same way for both frameworks."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Telegram commands are 1-32 latin letters, digits and underscores, optionally addressed `@botname`.
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]{1,64}))?$")


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    args: str
    addressee: str | None


def parse_command(text: str) -> ParsedCommand | None:
    """The command at the start of `text`, or None when the text is not a command.

    The name is lower-cased: older users type "/Start" as readily as "/start".
    """
    if not text.startswith("/"):
        return None
    parts = text.split(maxsplit=1)
    match = _COMMAND.match(parts[0]) if parts else None
    if match is None:
        return None
    args = parts[1].strip() if len(parts) > 1 else ""
    return ParsedCommand(name=match["name"].lower(), args=args, addressee=match["bot"])


def addressed_elsewhere(command: ParsedCommand, bot_username: str | None) -> bool:
    """True when a `/cmd@otherbot` command is meant for another bot in the same group."""
    if command.addressee is None or bot_username is None:
        return False
    return command.addressee.lower() != bot_username.lower()
