"""Helpers for pytest fixtures: a running emulator and the end-of-test violation check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.emulator.emulator import Emulator


@asynccontextmanager
async def running_emulator(**kwargs: Any) -> AsyncIterator[Emulator]:
    """`async with running_emulator() as emu:` — started on a free loopback port, stopped after."""
    emulator = Emulator(**kwargs)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


def assert_no_violations(emu: Emulator, *, allow_limit_breaches: bool = False) -> None:
    """Fail with every refused call (and, unless allowed, every rate-limit breach) listed."""
    problems = [f"{v.method}: {v.description} params={v.params!r}" for v in emu.violations]
    if not allow_limit_breaches:
        problems += [
            f"{b.method}: rate limit {b.limit} exceeded (chat {b.chat_id}, retry_after {b.retry_after})"
            for b in emu.limit_breaches
        ]
    if problems:
        raise AssertionError("Bot API emulator refused calls:\n  " + "\n  ".join(problems))
