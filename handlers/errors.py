"""Delivery failures in neutral terms, so callers (the update pipeline, the outbox delivery job) can react
without knowing which framework raised them."""

from __future__ import annotations


class DeliveryError(Exception):
    """A Bot API call failed; `method` names it. Never carries message text."""

    def __init__(self, method: str, description: str) -> None:
        super().__init__(f"{method}: {description}")
        self.method = method
        self.description = description


class RecipientBlocked(DeliveryError):
    """403: the user blocked the bot or the chat is gone. Retrying will not help."""


class RateLimited(DeliveryError):
    """429: Telegram asks us to wait `retry_after` seconds before the next call."""

    def __init__(self, method: str, description: str, retry_after: float) -> None:
        super().__init__(method, description)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """A network problem or a server-side (5xx) error: the same call may succeed later."""
