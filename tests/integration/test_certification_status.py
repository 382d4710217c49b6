"""A retiree's certification status through both frameworks: what the status says at a given point of the
campaign year."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.flows import buttons
from tests.integration.chat import en, joined
from tests.integration.conftest import BotApp
from tests.integration.test_conversations import register

USER = 7401
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_a_retiree_registering_after_the_campaign_ended_is_told_when_the_next_window_opens(
    bot_app: BotApp,
) -> None:
    # The default profile is the county's: the window April to May, suspension on 1 August.
    # 10 September 2027: the window closed on 31 May and payments of those not certified stopped on 1 August.
    bot_app.clock.offset = datetime(2027, 9, 10, 10, 0, tzinfo=SHANGHAI) - datetime.now(UTC)
    await register(bot_app, USER)

    calls = await bot_app.says(USER, en(buttons.CERTIFICATION))

    text = joined(calls)
    assert (
        "This year's certification has ended. The next one runs from April 1, 2028 to May 31, 2028." in text
    )
    assert "has passed" not in text
    assert "as soon as you can" not in text
