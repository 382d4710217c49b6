"""One behaviour, three stores: the family link repository contract, run against SQLite, PostgreSQL and
the fake (tests/storage/repositories/test_family.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.people import FamilyLink, UnitKind
from bot.ports import UnitOfWorkFactory
from tests.storage.people import add_retirees


async def people(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """Two retirees (r1, r2) in community A and two accounts (a1, a2). Ids by name."""
    async with uow_factory() as uow:
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, None)
        ids = await add_retirees(uow, ["A", "A"])
        await uow.commit()
    return ids


async def link_creates_then_updates_the_relation(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    a1, a2, r1, r2 = p["a1"], p["a2"], p["r1"], p["r2"]
    async with uow_factory() as uow:
        await uow.family.link(a1, r1, "son")
        assert await uow.family.for_account(a1) == [FamilyLink(a1, r1, "son")]
        await uow.family.link(a1, r2, "son")
        await uow.family.link(a1, r1, "daughter")  # an update keeps the link's place
        await uow.family.link(a2, r1, "spouse")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.family.for_account(a1) == [FamilyLink(a1, r1, "daughter"), FamilyLink(a1, r2, "son")]
        assert await uow.family.for_retiree(r1) == [
            FamilyLink(a1, r1, "daughter"),
            FamilyLink(a2, r1, "spouse"),
        ]
        assert await uow.family.for_retiree(r2) == [FamilyLink(a1, r2, "son")]
        assert await uow.family.for_account(a2 + 1000) == []


async def remove_for_account_removes_that_accounts_links_only(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    a1, a2, r1, r2 = p["a1"], p["a2"], p["r1"], p["r2"]
    async with uow_factory() as uow:
        await uow.family.link(a1, r1, "son")
        await uow.family.link(a1, r2, "son")
        await uow.family.link(a2, r1, "daughter")
        await uow.commit()
    async with uow_factory() as uow:
        await uow.family.remove_for_account(a1)
        await uow.family.remove_for_account(a1)  # nothing left: no error
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.family.for_account(a1) == []
        assert await uow.family.for_retiree(r1) == [FamilyLink(a2, r1, "daughter")]
        assert await uow.family.for_retiree(r2) == []
        # Linked again later, the link comes after the ones that stayed.
        await uow.family.link(a1, r1, "son")
        assert await uow.family.for_retiree(r1) == [FamilyLink(a2, r1, "daughter"), FamilyLink(a1, r1, "son")]


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        await uow.family.link(p["a1"], p["r1"], "son")
    async with uow_factory() as uow:
        assert await uow.family.for_account(p["a1"]) == []


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    link_creates_then_updates_the_relation,
    remove_for_account_removes_that_accounts_links_only,
    nothing_is_kept_without_a_commit,
)
