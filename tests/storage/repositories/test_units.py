from __future__ import annotations

import pytest

from bot.domain.people import UnitKind
from storage.database import Database
from storage.errors import UnitCycle, UnknownUnitCode
from storage.repositories.units import SqlOrgUnitRepository
from tests.backends import on_each_backend


@on_each_backend
async def test_upsert_reports_whether_anything_changed(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.units.upsert("C", "City", UnitKind.CITY, None) is True
        assert await uow.units.upsert("C", "City", UnitKind.CITY, None) is False
        assert await uow.units.upsert("C", "Renamed", UnitKind.CITY, None) is True
        unit = await uow.units.get_by_code("C")
        assert unit is not None
        assert unit.name == "Renamed"
        assert await uow.units.get(unit.id) == unit


async def test_unknown_parent_is_refused(database: Database) -> None:
    async with database.uow() as uow:
        with pytest.raises(UnknownUnitCode):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "missing")


@on_each_backend
async def test_ancestors_nearest_first(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        ancestors = await uow.units.ancestors(tree["A"])
        assert [unit.code for unit in ancestors] == ["S", "D", "C"]
        assert await uow.units.ancestors(tree["C"]) == []
        assert await uow.units.ancestors(9999) == []


@on_each_backend
async def test_subtree_includes_the_unit_and_everything_below(
    database: Database, tree: dict[str, int]
) -> None:
    async with database.uow() as uow:
        assert set(await uow.units.subtree_ids(tree["D"])) == {tree[c] for c in "DSAB"}
        assert set(await uow.units.subtree_ids(tree["C"])) == set(tree.values())
        assert list(await uow.units.subtree_ids(tree["A"])) == [tree["A"]]
        assert await uow.units.subtree_ids(9999) == []


async def test_subtree_of_unit_1_does_not_take_unit_10(database: Database) -> None:
    """Paths are delimited: "/1/" must not prefix-match "/10/"."""
    async with database.uow() as uow:
        for n in range(1, 12):
            await uow.units.upsert(f"U{n}", f"Unit {n}", UnitKind.CITY, None)
        first = await uow.units.get_by_code("U1")
        assert first is not None
        assert list(await uow.units.subtree_ids(first.id)) == [first.id]


async def test_moving_a_unit_moves_its_subtree(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        assert await uow.units.upsert("S", "Street", UnitKind.STREET, "E") is True
        assert set(await uow.units.subtree_ids(tree["E"])) == {tree[c] for c in "ESAB"}
        assert set(await uow.units.subtree_ids(tree["D"])) == {tree["D"]}
        assert [u.code for u in await uow.units.ancestors(tree["B"])] == ["S", "E", "C"]
        moved = await uow.units.get(tree["S"])
        assert moved is not None
        assert moved.parent_id == tree["E"]


async def test_moving_a_unit_below_itself_is_refused(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        with pytest.raises(UnitCycle):
            await uow.units.upsert("D", "District", UnitKind.DISTRICT, "A")


async def test_all_lists_parents_before_children(database: Database, tree: dict[str, int]) -> None:
    async with database.uow() as uow:
        codes = [unit.code for unit in await SqlOrgUnitRepository(uow.session).all()]
    assert sorted(codes) == sorted(tree)
    for child, parent in (("D", "C"), ("S", "D"), ("A", "S"), ("E", "C")):
        assert codes.index(parent) < codes.index(child)


async def test_community_of_a_retiree(
    database: Database, people: dict[str, int], tree: dict[str, int]
) -> None:
    async with database.uow() as uow:
        community = await uow.units.community_of(people["r1"])
        assert community is not None
        assert (community.id, community.code) == (tree["A"], "A")
        assert await uow.units.community_of(10**9) is None
