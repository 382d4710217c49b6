"""Where the certification campaign's inline buttons and photos enter the core (they work from any step:
a reminder arrives whatever the chat was doing)."""

from __future__ import annotations

from bot.flows import certification, staff_certification
from bot.flows.context import Context
from bot.services.certification_messages import CALLBACK_VERSION, RETIREE_TAG, STAFF_TAG


async def on_callback(ctx: Context, parts: list[str]) -> bool:
    if len(parts) < 3 or parts[0] != CALLBACK_VERSION:
        return False
    if parts[1] == RETIREE_TAG:
        return await certification.on_callback(ctx, parts)
    if parts[1] == STAFF_TAG:
        return await staff_certification.on_callback(ctx, parts)
    return False


async def on_media(ctx: Context) -> bool:
    return await certification.on_media(ctx)
