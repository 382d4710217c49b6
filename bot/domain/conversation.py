"""Where a chat is: the conversation state of a flow, and what an update's turn starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.people import Account


@dataclass(slots=True)
class ConversationState:
    """Where a chat is in a flow. `data` must stay JSON-serialisable and must never hold an ID number."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Turn:
    """What a private chat's update starts from: its sender's account and the chat's conversation state."""

    account: Account
    state: ConversationState | None
