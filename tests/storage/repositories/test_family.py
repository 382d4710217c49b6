from __future__ import annotations

from bot.domain.records import AccountRole, FamilyLink
from storage.database import Database
from storage.migrate import downgrade, upgrade


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


async def test_remove_for_account_removes_that_accounts_links_only(
    database: Database, people: dict[str, int]
) -> None:
    a1, a2, r1, r2 = people["a1"], people["a2"], people["r1"], people["r2"]
    async with database.uow() as uow:
        await uow.family.link(a1, r1, "son")
        await uow.family.link(a1, r2, "son")
        await uow.family.link(a2, r1, "daughter")
        await uow.commit()
    async with database.uow() as uow:
        await uow.family.remove_for_account(a1)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.family.for_account(a1) == []
        assert await uow.family.for_retiree(r1) == [FamilyLink(a2, r1, "daughter")]


async def test_upgrade_removes_the_links_earlier_unlinks_left_behind(
    database: Database, people: dict[str, int], sqlite_url: str
) -> None:
    a1, a2, r1 = people["a1"], people["a2"], people["r1"]
    await downgrade(sqlite_url, "0004_certification")
    async with database.uow() as uow:
        await uow.family.link(a1, r1, "son")
        await uow.family.link(a2, r1, "daughter")
        await uow.accounts.set_role(a1, AccountRole.NEW, None)  # unlinked before links were removed
        await uow.accounts.set_role(a2, AccountRole.FAMILY, None)
        await uow.commit()
    await upgrade(sqlite_url)
    async with database.uow() as uow:
        assert await uow.family.for_account(a1) == []
        assert await uow.family.for_account(a2) == [FamilyLink(a2, r1, "daughter")]
