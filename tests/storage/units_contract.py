"""One behaviour, three stores: the org-unit repository contract (the tree of city, districts, streets and
communities), run against SQLite, PostgreSQL and the fake (tests/storage/repositories/test_units.py).
Set-based writes of a whole tree (upsert_many) are in the roster contract."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from bot.domain.people import RetireeRecord, UnitKind
from bot.ports import UnitOfWorkFactory

TREE = (
    ("C", "City", UnitKind.CITY, None),
    ("D", "District", UnitKind.DISTRICT, "C"),
    ("S", "Street", UnitKind.STREET, "D"),
    ("A", "Community A", UnitKind.COMMUNITY, "S"),
    ("B", "Community B", UnitKind.COMMUNITY, "S"),
    ("E", "District E", UnitKind.DISTRICT, "C"),
)


async def _tree(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """City C > district D > street S > communities A and B; a second district E. Ids by code."""
    async with uow_factory() as uow:
        for code, name, kind, parent in TREE:
            assert await uow.units.upsert(code, name, kind, parent)
        await uow.commit()
    async with uow_factory() as uow:
        ids = {}
        for code, *_ in TREE:
            unit = await uow.units.get_by_code(code)
            assert unit is not None
            ids[code] = unit.id
    return ids


async def upsert_reports_whether_anything_changed(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.units.upsert("C", "City", UnitKind.CITY, None) is True
        assert await uow.units.upsert("C", "City", UnitKind.CITY, None) is False
        assert await uow.units.upsert("C", "Renamed", UnitKind.CITY, None) is True
        assert await uow.units.upsert("C", "Renamed", UnitKind.DISTRICT, None) is True
        await uow.commit()
    async with uow_factory() as uow:
        unit = await uow.units.get_by_code("C")
        assert unit is not None
        assert (unit.code, unit.name, unit.kind, unit.parent_id) == ("C", "Renamed", UnitKind.DISTRICT, None)
        assert await uow.units.get(unit.id) == unit
        assert await uow.units.get(unit.id + 1000) is None
        assert await uow.units.get_by_code("nowhere") is None
        assert await uow.units.upsert("C", "Renamed", UnitKind.DISTRICT, None) is False


async def an_unknown_parent_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(LookupError):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "missing")


async def ancestors_nearest_first(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        ancestors = await uow.units.ancestors(tree["A"])
        assert [unit.code for unit in ancestors] == ["S", "D", "C"]
        assert ancestors[0] == await uow.units.get(tree["S"])
        assert await uow.units.ancestors(tree["C"]) == []
        assert await uow.units.ancestors(tree["E"] + 1000) == []


async def a_subtree_is_the_unit_and_everything_below(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        assert sorted(await uow.units.subtree_ids(tree["D"])) == sorted(tree[c] for c in "DSAB")
        assert sorted(await uow.units.subtree_ids(tree["C"])) == sorted(tree.values())
        assert list(await uow.units.subtree_ids(tree["A"])) == [tree["A"]]
        assert await uow.units.subtree_ids(tree["E"] + 1000) == []


async def all_lists_parents_before_children(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        units = await uow.units.all()
    codes = [unit.code for unit in units]
    assert sorted(codes) == sorted(tree)
    for child, parent in (("D", "C"), ("S", "D"), ("A", "S"), ("B", "S"), ("E", "C")):
        assert codes.index(parent) < codes.index(child)
    assert {unit.code: unit.parent_id for unit in units}["A"] == tree["S"]


async def moving_a_unit_moves_its_subtree(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        assert await uow.units.upsert("S", "Street", UnitKind.STREET, "E") is True
        await uow.commit()
    async with uow_factory() as uow:
        assert sorted(await uow.units.subtree_ids(tree["E"])) == sorted(tree[c] for c in "ESAB")
        assert list(await uow.units.subtree_ids(tree["D"])) == [tree["D"]]
        assert [u.code for u in await uow.units.ancestors(tree["B"])] == ["S", "E", "C"]
        moved = await uow.units.get(tree["S"])
        assert moved is not None
        assert moved.parent_id == tree["E"]
        # To the top: no parent at all.
        assert await uow.units.upsert("S", "Street", UnitKind.STREET, None) is True
        assert [u.code for u in await uow.units.ancestors(tree["A"])] == ["S"]
        assert sorted(await uow.units.subtree_ids(tree["C"])) == sorted(tree[c] for c in "CDE")


async def moving_a_unit_below_itself_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="below itself"):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "A")
    async with uow_factory() as uow:
        with pytest.raises(ValueError, match="below itself"):
            await uow.units.upsert("S", "Street", UnitKind.STREET, "S")
    async with uow_factory() as uow:
        # The tree is as it was.
        assert [u.code for u in await uow.units.ancestors(tree["A"])] == ["S", "D", "C"]


async def a_retiree_belongs_to_a_community(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    record = RetireeRecord("R1", "1" * 64, "2101**********0001", date(1950, 1, 1), date(2010, 1, 1), "B")
    async with uow_factory() as uow:
        await uow.retirees.upsert(record)
        retiree = await uow.retirees.find_by_id_hash(record.id_hash)
        assert retiree is not None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.units.community_of(retiree.id) == await uow.units.get(tree["B"])
        assert await uow.units.community_of(retiree.id + 1000) is None


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    tree = await _tree(uow_factory)
    async with uow_factory() as uow:
        await uow.units.upsert("N", "New street", UnitKind.STREET, "D")
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "N")
        await uow.units.upsert("B", "Renamed", UnitKind.COMMUNITY, "S")
    async with uow_factory() as uow:
        assert await uow.units.get_by_code("N") is None
        assert [u.code for u in await uow.units.ancestors(tree["A"])] == ["S", "D", "C"]
        community = await uow.units.get(tree["B"])
        assert community is not None
        assert community.name == "Community B"


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    upsert_reports_whether_anything_changed,
    an_unknown_parent_is_refused,
    ancestors_nearest_first,
    a_subtree_is_the_unit_and_everything_below,
    all_lists_parents_before_children,
    moving_a_unit_moves_its_subtree,
    moving_a_unit_below_itself_is_refused,
    a_retiree_belongs_to_a_community,
    nothing_is_kept_without_a_commit,
)
