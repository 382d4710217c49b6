"""Keeping aiogram's answer models built.

aiogram reads every answer as `Response[<what the method returns>]`, a pydantic model parametrized on each
call, and pydantic keeps a parametrized model only while something refers to it: in a busy process a
garbage collection drops it and the next call builds its validator again (docs/performance.md). This
request middleware (aiogram's public session middleware API) refers to each method's model from its first
call on: built once, no memory for methods the process never calls.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class KeepResponseModels(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._kept: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
