from __future__ import annotations

from bot.domain.family import Relation
from bot.domain.records import AccountRole, StaffRole
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


async def test_profile_of_staff(world: World) -> None:
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.staff.add_membership(account.id, world.community.id, StaffRole.ADMIN)
        profile = await accounts.profile(uow, account)
        assert [(s.unit.code, s.role) for s in profile.staff] == [("C001", StaffRole.ADMIN)]
        assert profile.community == world.community
