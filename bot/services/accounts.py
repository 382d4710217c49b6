"""Who an account is: its retiree, family links, staff units and community."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.people import Account, AccountRole, OrgUnit, Retiree, StaffRole
from bot.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class FamilyOf:
    retiree: Retiree
    relation: str


@dataclass(frozen=True, slots=True)
class StaffOf:
    unit: OrgUnit
    role: StaffRole


@dataclass(frozen=True, slots=True)
class Profile:
    account: Account
    retiree: Retiree | None = None
    community: OrgUnit | None = None
    family: list[FamilyOf] = field(default_factory=list)
    staff: list[StaffOf] = field(default_factory=list)


async def profile(uow: UnitOfWork, account: Account) -> Profile:
    retiree = await uow.retirees.get(account.retiree_id) if account.retiree_id is not None else None
    family: list[FamilyOf] = []
    links = await uow.family.for_account(account.id)
    for link in links:
        linked = await uow.retirees.get(link.retiree_id)
        if linked is not None:
            family.append(FamilyOf(linked, link.relation))
    staff: list[StaffOf] = []
    for membership in await uow.staff.memberships(account.id):
        unit = await uow.units.get(membership.unit_id)
        if unit is not None:
            staff.append(StaffOf(unit, membership.role))
    community_id = (
        retiree.community_id if retiree is not None else family[0].retiree.community_id if family else None
    )
    community = await uow.units.get(community_id) if community_id is not None else None
    if community is None and staff:
        community = staff[0].unit
    return Profile(account, retiree, community, family, staff)


async def community(uow: UnitOfWork, account: Account) -> OrgUnit | None:
    """`profile(uow, account).community`, looking up only what it takes: the flows name the community on
    many replies, and most accounts are retirees, whose own record settles it."""
    unit = await uow.units.community_of(account.retiree_id) if account.retiree_id is not None else None
    if unit is None and account.role is not AccountRole.NEW:
        for link in await uow.family.for_account(account.id):
            unit = await uow.units.community_of(link.retiree_id)
            if unit is not None:
                break
    if unit is None:
        for membership in await uow.staff.memberships(account.id):
            unit = await uow.units.get(membership.unit_id)
            if unit is not None:
                break
    return unit


async def unlink(uow: UnitOfWork, account: Account, now: datetime) -> None:
    """Forget who the account is, and the retirees it was family of: it starts again as a new user, and
    registering later as another retiree's family does not bring the old links back. Staff memberships
    are not touched."""
    await uow.accounts.set_role(account.id, AccountRole.NEW, None)
    await uow.family.remove_for_account(account.id)
    await uow.audit.record(account.id, "account.unlinked", f"account:{account.id}", {}, now)
