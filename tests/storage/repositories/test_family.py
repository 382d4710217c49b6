from __future__ import annotations

from bot.domain.records import FamilyLink
from storage.database import Database


async def test_link_creates_then_updates_the_relation(database: Database, people: dict[str, int]) -> None:
    a1, r1, r2 = people["a1"], people["r1"], people["r2"]
    async with database.uow() as uow:
        await uow.family.link(a1, r1, "son")
        assert await uow.family.for_account(a1) == [FamilyLink(a1, r1, "son")]
        await uow.family.link(a1, r1, "daughter")
        await uow.family.link(a1, r2, "son")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.family.for_account(a1) == [FamilyLink(a1, r1, "daughter"), FamilyLink(a1, r2, "son")]
        assert await uow.family.for_retiree(r1) == [FamilyLink(a1, r1, "daughter")]
        assert await uow.family.for_account(people["a2"]) == []
