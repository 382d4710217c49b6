"""One behaviour, three stores: the staff repository contract (memberships and one-time invites), run against
SQLite, PostgreSQL and the fake (tests/storage/repositories/test_staff.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone

from bot.domain.people import StaffInvite, StaffMembership, StaffRole, UnitKind
from bot.ports import UnitOfWorkFactory

NOW = datetime(2025, 3, 1, 8, tzinfo=UTC)


async def _people(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """District D with street S; accounts a1 and a2. Ids by name."""
    async with uow_factory() as uow:
        await uow.units.upsert("D", "District", UnitKind.DISTRICT, None)
        await uow.units.upsert("S", "Street", UnitKind.STREET, "D")
        ids: dict[str, int] = {}
        for code in "DS":
            unit = await uow.units.get_by_code(code)
            assert unit is not None
            ids[code] = unit.id
        for n in (1, 2):
            ids[f"a{n}"] = (await uow.accounts.get_or_create(100 + n, 100 + n, "en")).id
        await uow.commit()
    return ids


async def memberships_one_per_unit_with_the_latest_role(uow_factory: UnitOfWorkFactory) -> None:
    p = await _people(uow_factory)
    async with uow_factory() as uow:
        await uow.staff.add_membership(p["a1"], p["S"], StaffRole.STAFF)
        await uow.staff.add_membership(p["a1"], p["D"], StaffRole.SUPERVISOR)
        assert await uow.staff.memberships(p["a1"]) == [
            StaffMembership(p["a1"], p["S"], StaffRole.STAFF),
            StaffMembership(p["a1"], p["D"], StaffRole.SUPERVISOR),
        ]
        await uow.commit()
    async with uow_factory() as uow:
        # A new role in a unit changes the membership, which keeps its place among the account's.
        await uow.staff.add_membership(p["a1"], p["S"], StaffRole.ADMIN)
        await uow.staff.add_membership(p["a2"], p["S"], StaffRole.STAFF)
        assert await uow.staff.memberships(p["a1"]) == [
            StaffMembership(p["a1"], p["S"], StaffRole.ADMIN),
            StaffMembership(p["a1"], p["D"], StaffRole.SUPERVISOR),
        ]
        await uow.commit()
    async with uow_factory() as uow:
        roles = [m.role for m in await uow.staff.memberships(p["a1"])]
        assert roles == [StaffRole.ADMIN, StaffRole.SUPERVISOR]
        assert await uow.staff.memberships(p["a2"]) == [StaffMembership(p["a2"], p["S"], StaffRole.STAFF)]
        assert await uow.staff.memberships(p["a2"] + 1000) == []


async def an_invite_is_redeemed_once(uow_factory: UnitOfWorkFactory) -> None:
    p = await _people(uow_factory)
    expires = NOW + timedelta(hours=72)
    async with uow_factory() as uow:
        await uow.staff.create_invite("t" * 64, p["S"], StaffRole.STAFF, expires)
        await uow.staff.create_invite("u" * 64, p["D"], StaffRole.SUPERVISOR, expires)
        await uow.commit()
    async with uow_factory() as uow:
        invite = await uow.staff.redeem_invite("t" * 64, p["a1"], NOW)
        assert invite == StaffInvite(p["S"], StaffRole.STAFF, expires)
        # Two people racing for one link: the second finds it used, in the same transaction or a later one.
        assert await uow.staff.redeem_invite("t" * 64, p["a2"], NOW) is None
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.staff.redeem_invite("t" * 64, p["a2"], NOW) is None
        assert await uow.staff.redeem_invite("u" * 64, p["a2"], NOW) == StaffInvite(
            p["D"], StaffRole.SUPERVISOR, expires
        )


async def unknown_or_expired_invites_are_refused(uow_factory: UnitOfWorkFactory) -> None:
    p = await _people(uow_factory)
    async with uow_factory() as uow:
        await uow.staff.create_invite("e" * 64, p["S"], StaffRole.ADMIN, NOW)
        assert await uow.staff.redeem_invite("e" * 64, p["a1"], NOW) is None  # expired at that very moment
        assert await uow.staff.redeem_invite("nope", p["a1"], NOW) is None
        redeemed = await uow.staff.redeem_invite("e" * 64, p["a1"], NOW - timedelta(seconds=1))
        assert redeemed == StaffInvite(p["S"], StaffRole.ADMIN, NOW)


async def expiry_is_an_instant_whatever_the_zone_it_is_given_in(uow_factory: UnitOfWorkFactory) -> None:
    p = await _people(uow_factory)
    shanghai = timezone(timedelta(hours=8))
    expires = (NOW + timedelta(hours=1)).astimezone(shanghai)
    async with uow_factory() as uow:
        await uow.staff.create_invite("z" * 64, p["S"], StaffRole.STAFF, expires)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.staff.redeem_invite("z" * 64, p["a1"], NOW + timedelta(hours=1)) is None
        invite = await uow.staff.redeem_invite("z" * 64, p["a1"], NOW + timedelta(minutes=59))
    assert invite is not None
    assert invite.expires_at == expires
    assert invite.expires_at.utcoffset() is not None


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    p = await _people(uow_factory)
    async with uow_factory() as uow:
        await uow.staff.create_invite("k" * 64, p["S"], StaffRole.STAFF, NOW + timedelta(hours=1))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.staff.create_invite("r" * 64, p["S"], StaffRole.STAFF, NOW + timedelta(hours=1))
        assert await uow.staff.redeem_invite("k" * 64, p["a1"], NOW) is not None
        await uow.staff.add_membership(p["a1"], p["S"], StaffRole.STAFF)
        # no commit: the turn that redeemed it failed, so the link still works
    async with uow_factory() as uow:
        assert await uow.staff.memberships(p["a1"]) == []
        assert await uow.staff.redeem_invite("r" * 64, p["a1"], NOW) is None
        assert await uow.staff.redeem_invite("k" * 64, p["a2"], NOW) is not None


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    memberships_one_per_unit_with_the_latest_role,
    an_invite_is_redeemed_once,
    unknown_or_expired_invites_are_refused,
    expiry_is_an_instant_whatever_the_zone_it_is_given_in,
    nothing_is_kept_without_a_commit,
)
