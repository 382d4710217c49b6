"""One behaviour, three stores: the set-based roster and unit writes (RetireeRepository.stage,
staged_duplicates, apply_staged; OrgUnitRepository.upsert_many), run against SQLite, PostgreSQL and
the fake (tests/storage/repositories/test_retirees.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date

from bot.domain.people import RetireeRecord, StagedRetiree, UnitKind, UnitRecord, UpsertCounts
from bot.ports import UnitOfWorkFactory

Check = Callable[[UnitOfWorkFactory], Awaitable[None]]

TREE = [
    UnitRecord("C", "City", UnitKind.CITY, None),
    UnitRecord("D", "District", UnitKind.DISTRICT, "C"),
    UnitRecord("S", "Street", UnitKind.STREET, "D"),
    UnitRecord("A", "Community A", UnitKind.COMMUNITY, "S"),
    UnitRecord("B", "Community B", UnitKind.COMMUNITY, "S"),
]


def _record(n: int, community: str = "A", **changes: object) -> RetireeRecord:
    record = RetireeRecord(
        f"R{n}", f"{n:064x}", f"2101**********{n:04d}", date(1950, 1, 1 + n % 28), date(2010, 1, 1), community
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def _staged(*records: RetireeRecord, first_line: int = 2) -> list[StagedRetiree]:
    return [StagedRetiree(line, r.id_hash, r) for line, r in enumerate(records, first_line)]


async def _tree(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.units.upsert_many(TREE) == UpsertCounts(created=5)
        await uow.commit()


async def staged_rows_are_created_then_unchanged_then_updated(uow_factory: UnitOfWorkFactory) -> None:
    await _tree(uow_factory)
    records = [_record(n) for n in range(1, 8)]
    async with uow_factory() as uow:
        # A chunk at a time, as a file is read.
        await uow.retirees.stage(_staged(*records[:3]))
        assert await uow.retirees.apply_staged() == UpsertCounts(created=3)
        await uow.retirees.stage(_staged(*records[3:], first_line=5))
        assert await uow.retirees.apply_staged() == UpsertCounts(created=4)
        assert await uow.retirees.apply_staged() == UpsertCounts()
        assert await uow.retirees.staged_duplicates() == []
        await uow.commit()
    async with uow_factory() as uow:
        await uow.retirees.stage(_staged(*records))
        assert await uow.retirees.apply_staged() == UpsertCounts(unchanged=7)
        changed = [
            _record(1, phone="0411-5550-0001"),
            _record(2, community="B"),
            _record(3, deceased=True),
            _record(4, name="R4 renamed"),
            *records[4:],
            _record(8),
        ]
        await uow.retirees.stage(_staged(*changed, first_line=20))
        assert await uow.retirees.apply_staged() == UpsertCounts(created=1, updated=4, unchanged=3)
        assert await uow.retirees.staged_duplicates() == [(n + 18, n) for n in range(2, 9)]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.retirees.count() == 8
        moved = await uow.retirees.find_by_id_hash(_record(2).id_hash)
        community_b = await uow.units.get_by_code("B")
        assert moved is not None
        assert community_b is not None
        assert moved.community_id == community_b.id
        one = await uow.retirees.find_by_id_hash(_record(1).id_hash)
        assert one is not None
        assert (one.phone, one.name, one.deceased) == ("0411-5550-0001", "R1", False)
        three = await uow.retirees.find_by_id_hash(_record(3).id_hash)
        assert three is not None
        assert three.deceased is True


async def an_id_staged_twice_is_found_on_both_lines(uow_factory: UnitOfWorkFactory) -> None:
    await _tree(uow_factory)
    one, two = _record(1), _record(2)
    async with uow_factory() as uow:
        await uow.retirees.stage(_staged(one, two))
        # A wrong row is held by its ID number alone, and still found twice.
        await uow.retirees.stage([StagedRetiree(4, two.id_hash, None), StagedRetiree(5, "f" * 64, None)])
        await uow.retirees.stage(_staged(_record(3), one, one, first_line=6))
        # Twice in one chunk or across chunks, it is written once and nothing fails.
        assert (await uow.retirees.apply_staged()).created == 3
        assert await uow.retirees.staged_duplicates() == [(4, 3), (7, 2), (8, 2)]
        assert await uow.retirees.count() == 3


async def staged_rows_go_with_a_rollback(uow_factory: UnitOfWorkFactory) -> None:
    await _tree(uow_factory)
    async with uow_factory() as uow:
        await uow.retirees.stage(_staged(_record(1), _record(2)))
        assert await uow.retirees.apply_staged() == UpsertCounts(created=2)
    async with uow_factory() as uow:
        assert await uow.retirees.count() == 0
        assert await uow.retirees.apply_staged() == UpsertCounts()
        assert await uow.retirees.staged_duplicates() == []
        await uow.retirees.stage(_staged(_record(1)))
        assert await uow.retirees.apply_staged() == UpsertCounts(created=1)
        # After staged_duplicates a new staging begins: its lines are new.
        assert await uow.retirees.staged_duplicates() == []
        await uow.retirees.stage(_staged(_record(1)))
        assert await uow.retirees.apply_staged() == UpsertCounts(unchanged=1)
        assert await uow.retirees.staged_duplicates() == []
        assert await uow.retirees.count() == 1
        await uow.commit()


async def units_are_written_parents_first_then_updated_and_moved(uow_factory: UnitOfWorkFactory) -> None:
    await _tree(uow_factory)
    async with uow_factory() as uow:
        assert await uow.units.upsert_many(TREE) == UpsertCounts(unchanged=5)
        counts = await uow.units.upsert_many(
            [
                UnitRecord("E", "District E", UnitKind.DISTRICT, "C"),
                UnitRecord("T", "Street T", UnitKind.STREET, "E"),
                UnitRecord("S", "Street", UnitKind.STREET, "E"),  # moved, with its communities
                UnitRecord("A", "Community A renamed", UnitKind.COMMUNITY, "S"),
                UnitRecord("K", "Community K", UnitKind.COMMUNITY, "T"),
                UnitRecord("B", "Community B", UnitKind.COMMUNITY, "S"),
            ]
        )
        assert counts == UpsertCounts(created=3, updated=2, unchanged=1)
        await uow.commit()
    async with uow_factory() as uow:
        ids = {}
        for code in "CDSABETK":
            unit = await uow.units.get_by_code(code)
            assert unit is not None, code
            ids[code] = unit.id
        assert set(await uow.units.subtree_ids(ids["E"])) == {ids[c] for c in "ETKSAB"}
        assert set(await uow.units.subtree_ids(ids["D"])) == {ids["D"]}
        assert [u.code for u in await uow.units.ancestors(ids["K"])] == ["T", "E", "C"]
        assert [u.code for u in await uow.units.ancestors(ids["A"])] == ["S", "E", "C"]
        renamed = await uow.units.get(ids["A"])
        assert renamed is not None
        assert renamed.name == "Community A renamed"


async def a_unit_moved_to_the_top_is_a_change(uow_factory: UnitOfWorkFactory) -> None:
    """Its stored parent is not in the batch: still a move, not "unchanged"."""
    await _tree(uow_factory)
    async with uow_factory() as uow:
        counts = await uow.units.upsert_many([UnitRecord("S", "Street", UnitKind.STREET, None)])
        assert counts == UpsertCounts(updated=1)
        street = await uow.units.get_by_code("S")
        community = await uow.units.get_by_code("A")
        assert street is not None
        assert community is not None
        assert street.parent_id is None
        assert [u.code for u in await uow.units.ancestors(community.id)] == ["S"]
        renamed = await uow.units.upsert_many([UnitRecord("D", "District renamed", UnitKind.DISTRICT, "C")])
        assert renamed == UpsertCounts(updated=1)
        district = await uow.units.get_by_code("D")
        assert district is not None
        assert district.name == "District renamed"


CONTRACT: list[Check] = [
    staged_rows_are_created_then_unchanged_then_updated,
    an_id_staged_twice_is_found_on_both_lines,
    staged_rows_go_with_a_rollback,
    units_are_written_parents_first_then_updated_and_moved,
    a_unit_moved_to_the_top_is_a_change,
]
