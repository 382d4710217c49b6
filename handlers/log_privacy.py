"""Keeps message texts and the bot token out of third-party logs.

python-telegram-bot logs whole updates and call parameters at DEBUG, and httpx logs request URLs (which
hold the token) at INFO. A filter on those loggers rewrites such records before any handler sees them,
so running with LOG_LEVEL=DEBUG stays safe.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_TOKEN_IN_URL = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_HIDDEN = "<hidden>"
# Bot logs under its class name; the Application builds an ExtBot.
_BOT_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")


def _update_id(value: Any) -> Any:
    return getattr(value, "update_id", _HIDDEN)


def _without_token(value: Any) -> Any:
    text = str(value)
    return _TOKEN_IN_URL.sub("/bot<token>", text) if _TOKEN_IN_URL.search(text) else value


class _Redactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        message = str(record.msg)
        if record.name in _BOT_LOGGERS and "Bot API endpoint" in message and len(args) == 2:
            record.args = (args[0], _HIDDEN)
        elif record.name == "telegram.ext.Application" and "update" in message and len(args) == 1:
            record.args = (_update_id(args[0]),)
        elif record.name == "telegram.request.BaseRequest" and args:
            record.args = tuple(_HIDDEN for _ in args)
        elif record.name == "httpx":
            record.args = tuple(_without_token(a) for a in args)
            record.msg = _without_token(record.msg)
        return True


_LOGGERS = (*_BOT_LOGGERS, "telegram.ext.Application", "telegram.request.BaseRequest", "httpx")
_REDACTOR = _Redactor()


def protect_third_party_logs() -> None:
    """Install the redacting filter (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
