"""Names from the roster are text, not markup, in the HTML the bot sends."""

from __future__ import annotations

from datetime import date

from bot.domain.people import AccountRole, RetireeRecord
from bot.domain.resident_id import ResidentId
from bot.flows import buttons
from tests.integration.chat import en, joined
from tests.integration.conftest import ID_HASH_KEY, BotApp

USER = 5001
NAME = "<b>x</b> & co"


async def add_registered_retiree(app: BotApp, name: str) -> None:
    resident = ResidentId.build("210101", date(1948, 3, 2), 321)
    async with app.database.uow() as uow:
        await uow.retirees.upsert(
            RetireeRecord(
                name=name,
                id_hash=resident.keyed_hash(ID_HASH_KEY),
                id_masked=resident.masked,
                birth_date=resident.birth_date,
                retirement_date=date(2008, 3, 2),
                community_code="2101010101",
            )
        )
        retiree = await uow.retirees.find_by_id_hash(resident.keyed_hash(ID_HASH_KEY))
        assert retiree is not None
        account = await uow.accounts.get_or_create(USER, USER, "en")
        await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree.id)
        await uow.commit()


async def test_a_name_with_markup_is_escaped(bot_app: BotApp) -> None:
    await add_registered_retiree(bot_app, NAME)
    await bot_app.says(USER, en(buttons.SETTINGS))

    calls = await bot_app.says(USER, en(buttons.WHO_AM_I))

    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in joined(calls)
    assert NAME not in joined(calls)
    # What the user reads is the name itself, not bold text.
    assert NAME in bot_app.emu.messages(USER)[-1].text
