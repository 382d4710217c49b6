"""Which code answers each kind of inline button: every payload type of bot.callbacks has one handler,
registered where the buttons' flow lives. A handler returns False when the button no longer fits (the
thing it names is gone or not the presser's, or the step it belongs to has passed): the core then answers
that the button is old."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.callbacks import CallbackData
from bot.flows.context import Context

P = TypeVar("P", bound=CallbackData)
Handler = Callable[[Context, Any], Awaitable[bool]]
HANDLERS: dict[type[CallbackData], Handler] = {}


def handles(
    kind: type[P],
) -> Callable[[Callable[[Context, P], Awaitable[bool]]], Callable[[Context, P], Awaitable[bool]]]:
    """Register the decorated coroutine as the one handler of `kind`."""

    def register(handler: Callable[[Context, P], Awaitable[bool]]) -> Callable[[Context, P], Awaitable[bool]]:
        if kind in HANDLERS:
            raise ValueError(f"{kind.__name__} already has a handler")
        HANDLERS[kind] = handler
        return handler

    return register


async def dispatch(ctx: Context, payload: CallbackData) -> bool:
    return await HANDLERS[type(payload)](ctx, payload)
