from __future__ import annotations

from bot.domain.family import Relation
from bot.domain.people import AccountRole, StaffRole
from bot.services import accounts, registration
from tests.unit.chat import World, make_id


async def test_profile_of_a_family_member_and_unlink(world: World) -> None:
    retiree_id = world.add_retiree("张伟", make_id())
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await registration.link_family(uow, account.id, retiree_id, Relation.DAUGHTER, world.clock.now())
        account = await uow.accounts.get(account.id) or account
        profile = await accounts.profile(uow, account)
        assert [(f.retiree.name, f.relation) for f in profile.family] == [("张伟", "daughter")]
        assert profile.community is not None
        assert profile.community.name == "幸福社区"
        await accounts.unlink(uow, account, world.clock.now())
        account = await uow.accounts.get(account.id) or account
        assert account.role is AccountRole.NEW
        assert (await accounts.profile(uow, account)).family == []
        assert await uow.family.for_account(account.id) == []


async def test_family_of_another_retiree_after_an_unlink_is_family_of_that_one_only(world: World) -> None:
    mother = world.add_retiree("王芳", make_id(sequence=201))
    father = world.add_retiree("李强", make_id(sequence=301))
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await registration.link_family(uow, account.id, mother, Relation.SON, world.clock.now())
        await accounts.unlink(uow, account, world.clock.now())
        await registration.link_family(uow, account.id, father, Relation.SON, world.clock.now())
        account = await uow.accounts.get(account.id) or account
        assert [f.retiree.name for f in (await accounts.profile(uow, account)).family] == ["李强"]


async def test_profile_of_staff(world: World) -> None:
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.staff.add_membership(account.id, world.community.id, StaffRole.ADMIN)
        profile = await accounts.profile(uow, account)
        assert [(s.unit.code, s.role) for s in profile.staff] == [("C001", StaffRole.ADMIN)]
        assert profile.community == world.community


async def test_community_is_the_profiles_for_every_kind_of_account(world: World) -> None:
    retiree_id = world.add_retiree("张伟", make_id())
    async with world.db.uow() as uow:
        retiree = await uow.accounts.get_or_create(1, 1, "en")
        await uow.accounts.set_role(retiree.id, AccountRole.RETIREE, retiree_id)
        family = await uow.accounts.get_or_create(2, 2, "en")
        await registration.link_family(uow, family.id, retiree_id, Relation.SON, world.clock.now())
        staff = await uow.accounts.get_or_create(3, 3, "en")
        await uow.staff.add_membership(staff.id, world.community.id, StaffRole.STAFF)
        newcomer = await uow.accounts.get_or_create(4, 4, "en")
        unlinked = await uow.accounts.get_or_create(5, 5, "en")
        await registration.link_family(uow, unlinked.id, retiree_id, Relation.SON, world.clock.now())
        unlinked = await uow.accounts.get(unlinked.id) or unlinked
        await accounts.unlink(uow, unlinked, world.clock.now())
        seen = []
        for account_id in (retiree.id, family.id, staff.id, newcomer.id, unlinked.id):
            account = await uow.accounts.get(account_id)
            assert account is not None
            unit = await accounts.community(uow, account)
            assert unit == (await accounts.profile(uow, account)).community
            seen.append(unit.code if unit is not None else None)
        assert seen == ["C001", "C001", "C001", None, None]
