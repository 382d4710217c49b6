"""`retiree-bot bench delivery`: placeholder until the benchmark lands."""

from __future__ import annotations

from typing import Any

from bot.config import Settings


async def bench_delivery(settings: Settings, *, quick: bool = False) -> dict[str, Any]:
    raise NotImplementedError


def render(figures: dict[str, Any]) -> str:
    return "\n".join(f"{key:>16}  {value}" for key, value in figures.items())
