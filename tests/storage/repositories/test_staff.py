from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.people import StaffInvite, StaffMembership, StaffRole
from storage.database import Database
from tests.backends import on_each_backend

NOW = datetime(2025, 3, 1, 8, tzinfo=UTC)


@on_each_backend
async def test_memberships_one_per_unit_with_the_latest_role(
    database: Database, people: dict[str, int]
) -> None:
    a1 = people["a1"]
    async with database.uow() as uow:
        street = await uow.units.get_by_code("S")
        district = await uow.units.get_by_code("D")
        assert street is not None
        assert district is not None
        await uow.staff.add_membership(a1, street.id, StaffRole.STAFF)
        await uow.staff.add_membership(a1, district.id, StaffRole.SUPERVISOR)
        assert [m.role for m in await uow.staff.memberships(a1)] == [StaffRole.STAFF, StaffRole.SUPERVISOR]
        await uow.staff.add_membership(a1, street.id, StaffRole.ADMIN)
        assert await uow.staff.memberships(a1) == [
            StaffMembership(a1, street.id, StaffRole.ADMIN),
            StaffMembership(a1, district.id, StaffRole.SUPERVISOR),
        ]
        assert await uow.staff.memberships(people["a2"]) == []


@on_each_backend
async def test_an_invite_is_redeemed_once(database: Database, people: dict[str, int]) -> None:
    async with database.uow() as uow:
        unit = await uow.units.get_by_code("S")
        assert unit is not None
        expires = NOW + timedelta(hours=72)
        await uow.staff.create_invite("t" * 64, unit.id, StaffRole.STAFF, expires)
        await uow.commit()
    async with database.uow() as uow:
        invite = await uow.staff.redeem_invite("t" * 64, people["a1"], NOW)
        assert invite == StaffInvite(unit.id, StaffRole.STAFF, expires)
        assert await uow.staff.redeem_invite("t" * 64, people["a2"], NOW) is None
        await uow.commit()


async def test_unknown_or_expired_invites_are_refused(database: Database, people: dict[str, int]) -> None:
    async with database.uow() as uow:
        unit = await uow.units.get_by_code("S")
        assert unit is not None
        await uow.staff.create_invite("e" * 64, unit.id, StaffRole.ADMIN, NOW)
        assert await uow.staff.redeem_invite("e" * 64, people["a1"], NOW) is None
        assert await uow.staff.redeem_invite("e" * 64, people["a1"], NOW - timedelta(seconds=1)) is not None
        assert await uow.staff.redeem_invite("nope", people["a1"], NOW) is None
