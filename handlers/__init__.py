"""Transport adapters: the only place aiogram and python-telegram-bot are imported.

`create_transport` picks one; the frameworks are imported only then, so importing `handlers` loads
neither.
"""

from __future__ import annotations

from bot.config import Framework
from bot.ports import DeliveryError, Limiter, RateLimited, RecipientBlocked, TransientError
from handlers.log_privacy import protect_third_party_logs
from handlers.pipeline import DEFAULT_CORE_CONCURRENCY, Core
from handlers.transport_base import (
    ALLOWED_UPDATES,
    BotIdentity,
    Commands,
    HealthCheck,
    InvalidToken,
    Transport,
    WebhookStatus,
)

__all__ = [
    "ALLOWED_UPDATES",
    "BotIdentity",
    "Commands",
    "Core",
    "DeliveryError",
    "HealthCheck",
    "InvalidToken",
    "RateLimited",
    "RecipientBlocked",
    "TransientError",
    "Transport",
    "WebhookStatus",
    "create_transport",
]


def create_transport(
    framework: Framework | str,
    *,
    token: str,
    api_base: str,
    core: Core,
    poll_timeout: int = 10,
    core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
    limiter: Limiter | None = None,
) -> Transport:
    """The transport for `framework`, talking to the Bot API at `api_base` (no trailing slash).

    `poll_timeout` is the getUpdates long-poll wait in seconds; tests shorten it so stopping is quick.
    `core_concurrency` is how many updates (of different chats) the core handles at once: keep the
    default on SQLite, raise it towards the pool size on PostgreSQL. `limiter`: the sending budget the
    replies draw on, the one this process's outbox sender uses (none: replies are not paced).
    """
    framework = Framework(framework)
    if not _well_formed(token):
        # aiogram refuses such a token when it builds its Bot, python-telegram-bot only at its first call (a
        # 404 from Telegram): here both frameworks refuse it alike, before any call.
        raise InvalidToken("getMe", "the token is not of the form 123456789:ABC...")
    protect_third_party_logs()
    if framework is Framework.AIOGRAM:
        from handlers.aiogram_adapter.transport import AiogramTransport

        return AiogramTransport(
            token=token,
            api_base=api_base,
            core=core,
            poll_timeout=poll_timeout,
            core_concurrency=core_concurrency,
            limiter=limiter,
        )
    if framework is Framework.PTB:
        from handlers.ptb_adapter.transport import PtbTransport

        return PtbTransport(
            token=token,
            api_base=api_base,
            core=core,
            poll_timeout=poll_timeout,
            core_concurrency=core_concurrency,
            limiter=limiter,
        )
    raise ValueError(f"unknown framework {framework!r}")


def _well_formed(token: str) -> bool:
    bot_id, colon, secret = token.partition(":")
    return bool(colon) and bot_id.isdigit() and bool(secret) and not any(c.isspace() for c in token)
