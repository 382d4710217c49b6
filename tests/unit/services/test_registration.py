from __future__ import annotations

from datetime import timedelta

from bot.domain.family import Relation
from bot.domain.people import AccountRole
from bot.services import registration
from bot.services.registration import Outcome
from tests.unit.chat import ID_KEY, World, make_id


async def test_lock_window_slides(world: World) -> None:
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        start = world.clock.now()
        for minute in range(5):
            await uow.login_attempts.record_failure(account.id, start + timedelta(minutes=minute))
        assert await registration.is_locked(uow, account.id, start + timedelta(minutes=10))
        assert await registration.is_locked(uow, account.id, start + timedelta(minutes=60))
        assert not await registration.is_locked(uow, account.id, start + timedelta(minutes=60, seconds=1))


async def test_find_retiree_outcomes(world: World) -> None:
    rid = make_id()
    world.add_retiree("张伟", rid)
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        now = world.clock.now()

        async def find(name: str) -> Outcome:
            result = await registration.find_retiree(
                uow,
                account_id=account.id,
                name=name,
                resident_id=rid,
                id_hash_key=ID_KEY,
                now=now,
                purpose="t",
            )
            return result.outcome

        assert await find("張偉") is Outcome.MATCHED
        for _ in range(5):
            assert await find("李四") is Outcome.NOT_FOUND
        assert await find("张伟") is Outcome.LOCKED
        assert await uow.login_attempts.failures_since(account.id, now) == 5


async def test_link_family_keeps_an_existing_role(world: World) -> None:
    retiree_id = world.add_retiree("张伟", make_id())
    async with world.db.uow() as uow:
        account = await uow.accounts.get_or_create(1, 1, "en")
        await uow.accounts.set_role(account.id, AccountRole.STAFF)
        await registration.link_family(uow, account.id, retiree_id, Relation.SON, world.clock.now())
        linked = await uow.accounts.get(account.id)
        assert linked is not None
        assert linked.role is AccountRole.STAFF
        assert [link.relation for link in await uow.family.for_account(account.id)] == ["son"]
