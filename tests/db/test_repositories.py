"""The repositories on PostgreSQL: the dialect-specific parts (ON CONFLICT, RETURNING, timestamptz)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain.people import RetireeRecord, StaffRole, UnitKind
from bot.domain.resident_id import ResidentId
from storage.database import Database
from tests.db.conftest import lock_waiters
from tests.storage.instances_contract import check_instances
from tests.storage.turn_contract import check_open_turn
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
KEY = b"pg-test-key"


async def _tree(database: Database) -> None:
    async with database.uow() as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        await uow.units.upsert("D", "District", UnitKind.DISTRICT, "C")
        await uow.units.upsert("S", "Street", UnitKind.STREET, "D")
        await uow.units.upsert("A", "Community", UnitKind.COMMUNITY, "S")
        await uow.commit()


async def test_retiree_upsert_and_lookup_by_hash(pg_database: Database) -> None:
    await _tree(pg_database)
    rid = ResidentId.build("210101", date(1950, 3, 5), 124)
    record = RetireeRecord("王秀英", rid.keyed_hash(KEY), rid.masked, rid.birth_date, date(2005, 3, 5), "A")
    async with pg_database.uow() as uow:
        assert await uow.retirees.upsert(record) is True
        assert await uow.retirees.upsert(record) is False
        await uow.commit()
    async with pg_database.uow() as uow:
        found = await uow.retirees.find_by_id_hash(rid.keyed_hash(KEY))
        assert found is not None
        assert (found.name, found.id_masked, found.birth_date) == ("王秀英", rid.masked, rid.birth_date)
        assert await uow.retirees.count() == 1


async def test_tree_queries(pg_database: Database) -> None:
    await _tree(pg_database)
    async with pg_database.uow() as uow:
        community = await uow.units.get_by_code("A")
        city = await uow.units.get_by_code("C")
        assert community is not None
        assert city is not None
        assert [u.code for u in await uow.units.ancestors(community.id)] == ["S", "D", "C"]
        assert len(await uow.units.subtree_ids(city.id)) == 4


async def test_concurrent_claims_of_one_update_have_one_winner(pg_database: Database) -> None:
    async def others_queued() -> bool:
        return await lock_waiters(pg_database) == 3

    async def claim() -> bool:
        async with pg_database.uow() as uow:
            won = await uow.updates.claim(777, NOW)
            if won:
                # The winner holds its new row uncommitted until the three others wait on it.
                await wait_until(others_queued)
            await uow.commit()
            return won

    assert sorted(await asyncio.gather(*(claim() for _ in range(4)))) == [False, False, False, True]


async def test_upserts_and_invites(pg_database: Database) -> None:
    await _tree(pg_database)
    async with pg_database.uow() as uow:
        account = await uow.accounts.get_or_create(2**40, 2**40, "zh_Hans")
        assert await uow.accounts.get_or_create(2**40, 2**40, "en") == account
        unit = await uow.units.get_by_code("S")
        assert unit is not None
        await uow.staff.add_membership(account.id, unit.id, StaffRole.STAFF)
        await uow.staff.add_membership(account.id, unit.id, StaffRole.ADMIN)
        assert [m.role for m in await uow.staff.memberships(account.id)] == [StaffRole.ADMIN]
        await uow.staff.create_invite("t" * 64, unit.id, StaffRole.STAFF, NOW + timedelta(hours=72))
        invite = await uow.staff.redeem_invite("t" * 64, account.id, NOW)
        assert invite is not None
        assert invite.expires_at == NOW + timedelta(hours=72)
        assert invite.expires_at.tzinfo is not None
        assert await uow.staff.redeem_invite("t" * 64, account.id, NOW) is None
        await uow.commit()


async def test_times_come_back_aware(pg_database: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    async with pg_database.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.login_attempts.record_failure(account.id, NOW.astimezone(shanghai))
        assert await uow.login_attempts.failures_since(account.id, NOW - timedelta(seconds=1)) == 1
        assert await uow.login_attempts.failures_since(account.id, NOW + timedelta(seconds=1)) == 0


async def test_open_turn(pg_database: Database) -> None:
    await check_open_turn(pg_database.uow)


async def test_the_instances_contract_on_postgres(pg_database: Database) -> None:
    await check_instances(pg_database)
