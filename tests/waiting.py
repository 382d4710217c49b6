"""Waiting for another task's work in tests: poll a condition until a deadline, never a fixed sleep.

A fixed sleep is either too short on a busy machine (the test fails) or longer than needed everywhere (the
suite crawls); polling returns as soon as the condition holds and fails loudly when it never does.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

POLL_S = 0.01


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]],
    timeout: float = 10.0,  # noqa: ASYNC109
    message: str = "",
) -> None:
    """Return once `condition()` (a plain or an async function) holds; TimeoutError after `timeout` s.

    The deadline is generous on purpose: it bounds a test that is already failing, it does not measure
    anything, so a slow machine only makes a passing test take longer.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s{': ' + message if message else ''}")
        await asyncio.sleep(POLL_S)
