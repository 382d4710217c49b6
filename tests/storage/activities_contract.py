"""One behaviour, three stores: the activity and notice repository contract, run against SQLite,
PostgreSQL and the fake (tests/storage/repositories/test_activities.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from bot.domain.activities import (
    Audience,
    AudienceCount,
    AudienceFilter,
    AudienceSpec,
    MessageRef,
    NewActivity,
    NoticeStatus,
    SignupStatus,
)
from bot.domain.people import AccountRole, RetireeRecord, UnitKind
from bot.ports import UnitOfWorkFactory

NOW = datetime(2025, 5, 1, 2, 0, tzinfo=UTC)
Check = Callable[[UnitOfWorkFactory], Awaitable[None]]


async def community(uow_factory: UnitOfWorkFactory, people: int = 4) -> dict[str, int]:
    """Street S with community A (retirees r1.. with accounts a1..; r1 born 1940, the rest 1950; r2
    lives elsewhere) and a staff account `staff`. Ids by name."""
    async with uow_factory() as uow:
        await uow.units.upsert("S", "Street S", UnitKind.STREET, None)
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "S")
        ids: dict[str, int] = {}
        for n in range(1, people + 1):
            record = RetireeRecord(
                f"R{n}",
                f"{n:064d}",
                f"2101**********{n:04d}",
                date(1940 if n == 1 else 1950, 1, 1),
                date(2010, 1, 1),
                "A",
                phone=f"555-{n}",
                lives_elsewhere=n == 2,
            )
            await uow.retirees.upsert(record)
            retiree = await uow.retirees.find_by_id_hash(record.id_hash)
            assert retiree is not None
            ids[f"r{n}"] = retiree.id
            account = await uow.accounts.get_or_create(1000 + n, 1000 + n, "en")
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree.id)
            ids[f"a{n}"] = account.id
        ids["staff"] = (await uow.accounts.get_or_create(999, 999, "en")).id
        unit = await uow.units.get_by_code("A")
        street = await uow.units.get_by_code("S")
        assert unit is not None
        assert street is not None
        ids["unit"], ids["street"] = unit.id, street.id
        await uow.commit()
    return ids


async def activity(
    uow_factory: UnitOfWorkFactory, ids: dict[str, int], capacity: int | None, companions: bool = False
) -> int:
    async with uow_factory() as uow:
        made = await uow.activities.create(
            NewActivity(
                ids["unit"],
                "Tai chi",
                NOW + timedelta(days=3),
                "Hall",
                capacity,
                NOW + timedelta(days=2),
                Audience.BOTH,
                companions,
                ids["staff"],
            ),
            NOW,
        )
        await uow.commit()
    return made.id


async def the_last_places_go_to_the_first_and_the_rest_wait_in_order(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory)
    act = await activity(uow_factory, ids, 2)
    outcomes = []
    for n in range(1, 5):
        async with uow_factory() as uow:
            outcome = await uow.activities.sign_up(act, ids[f"a{n}"], 0, NOW + timedelta(seconds=n))
            assert outcome is not None
            outcomes.append((outcome.status, outcome.position))
            await uow.commit()
    assert outcomes == [
        (SignupStatus.CONFIRMED, None),
        (SignupStatus.CONFIRMED, None),
        (SignupStatus.WAITLISTED, 1),
        (SignupStatus.WAITLISTED, 2),
    ]
    async with uow_factory() as uow:
        again = await uow.activities.sign_up(act, ids["a4"], 0, NOW + timedelta(seconds=9))
        assert again is not None
        assert again.already
        assert again.position == 2
        got = await uow.activities.get(act)
        assert got is not None
        assert got.taken == 2
        assert got.free == 0
        listed, total = await uow.activities.attendees(act, 0, 10)
        assert total == 4
        assert [(a.name, a.status, a.position) for a in listed] == [
            ("R1", SignupStatus.CONFIRMED, None),
            ("R2", SignupStatus.CONFIRMED, None),
            ("R3", SignupStatus.WAITLISTED, 1),
            ("R4", SignupStatus.WAITLISTED, 2),
        ]
        assert listed[0].phone == "555-1"


async def a_freed_place_is_offered_and_an_expired_offer_moves_on(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory)
    act = await activity(uow_factory, ids, 1)
    async with uow_factory() as uow:
        for n in (1, 2, 3):
            await uow.activities.sign_up(act, ids[f"a{n}"], 0, NOW + timedelta(seconds=n))
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.activities.signup_of(act, ids["a1"])
        assert first is not None
        before = await uow.activities.withdraw(first.id, SignupStatus.CANCELLED, NOW)
        assert before is not None
        assert before.status is SignupStatus.CONFIRMED
        assert await uow.activities.withdraw(first.id, SignupStatus.CANCELLED, NOW) is None
        offers = await uow.activities.offer_next(act, NOW + timedelta(hours=24))
        assert [o.account_id for o in offers] == [ids["a2"]]
        assert await uow.activities.offer_next(act, NOW + timedelta(hours=24)) == []
        await uow.commit()
    later = NOW + timedelta(hours=25)
    async with uow_factory() as uow:
        assert not await uow.activities.accept_offer(offers[0].id, later)
        expired = await uow.activities.expired_offers(later)
        assert [e.id for e in expired] == [offers[0].id]
        await uow.activities.withdraw(expired[0].id, SignupStatus.CANCELLED, later)
        nxt = await uow.activities.offer_next(act, later + timedelta(hours=24))
        assert [o.account_id for o in nxt] == [ids["a3"]]
        assert await uow.activities.accept_offer(nxt[0].id, later)
        got = await uow.activities.get(act)
        assert got is not None
        assert got.taken == 1
        await uow.commit()


async def companions_count_and_a_raised_capacity_offers_places(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory)
    act = await activity(uow_factory, ids, 3, companions=True)
    async with uow_factory() as uow:
        one = await uow.activities.sign_up(act, ids["a1"], 1, NOW)
        two = await uow.activities.sign_up(act, ids["a2"], 1, NOW + timedelta(seconds=1))
        three = await uow.activities.sign_up(act, ids["a3"], 0, NOW + timedelta(seconds=2))
        assert one is not None
        assert one.status is SignupStatus.CONFIRMED
        # Two places needed, one free: waits; and nobody jumps the queue behind them.
        assert two is not None
        assert two.status is SignupStatus.WAITLISTED
        assert three is not None
        assert three.status is SignupStatus.WAITLISTED
        assert three.position == 2
        await uow.activities.set_capacity(act, 5)
        offers = await uow.activities.offer_next(act, NOW + timedelta(hours=1))
        assert [o.account_id for o in offers] == [ids["a2"], ids["a3"]]
        got = await uow.activities.get(act)
        assert got is not None
        assert got.taken == 5
        await uow.commit()
    async with uow_factory() as uow:
        mine = await uow.activities.for_account(ids["a2"], NOW)
        assert [(m.activity.id, m.signup.status) for m in mine] == [(act, SignupStatus.OFFERED)]
        assert await uow.activities.accept_offer(offers[0].id, NOW)
        assert await uow.activities.mark_attended(offers[0].id, True)
        people = await uow.activities.people(act, [SignupStatus.CONFIRMED])
        assert [p[1] for p in people] == [ids["a1"], ids["a2"]]
        await uow.activities.cancel(act)
        assert await uow.activities.sign_up(act, ids["a4"], 0, NOW) is None
        await uow.commit()


async def presses_at_once_never_overbook(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory, people=12)
    act = await activity(uow_factory, ids, 5)

    async def press(n: int) -> None:
        async with uow_factory() as uow:
            await uow.activities.sign_up(act, ids[f"a{n}"], 0, NOW + timedelta(microseconds=n))
            await uow.commit()

    await asyncio.gather(*(press(n) for n in range(1, 13)), *(press(n) for n in range(1, 4)))
    async with uow_factory() as uow:
        listed, total = await uow.activities.attendees(act, 0, 100)
        got = await uow.activities.get(act)
    assert total == 12
    assert sum(a.status is SignupStatus.CONFIRMED for a in listed) == 5
    assert [a.position for a in listed if a.status is SignupStatus.WAITLISTED] == [1, 2, 3, 4, 5, 6, 7]
    assert got is not None
    assert got.taken == 5


async def the_audience_is_counted_with_who_cannot_be_reached(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory, people=5)
    async with uow_factory() as uow:
        family = await uow.accounts.get_or_create(2001, 2001, "en")
        await uow.accounts.set_role(family.id, AccountRole.FAMILY, None)
        await uow.family.link(family.id, ids["r1"], "son")
        await uow.accounts.set_unreachable(ids["a3"])
        await uow.notices.set_opt_out(ids["a4"], True)
        await uow.notices.set_opt_out(ids["a4"], True)
        await uow.accounts.set_role(ids["a5"], AccountRole.NEW, None)  # r5 never (re)started
        await uow.commit()
    today = date(2025, 5, 1)
    async with uow_factory() as uow:
        both = AudienceSpec(ids["street"], Audience.BOTH)
        assert await uow.notices.count_audience(both, today) == AudienceCount(3, 1, 1, 1)
        assert [a for _, a, _ in await uow.notices.recipients(both, today)] == sorted(
            [ids["a1"], ids["a2"], family.id]
        )
        families = AudienceSpec(ids["unit"], Audience.FAMILIES)
        assert await uow.notices.count_audience(families, today) == AudienceCount(1, 0, 0, 0)
        old = AudienceSpec(ids["unit"], Audience.RETIREES, AudienceFilter.AGED_80)
        assert [a for _, a, _ in await uow.notices.recipients(old, today)] == [ids["a1"]]
        local = AudienceSpec(ids["unit"], Audience.RETIREES, AudienceFilter.LOCAL)
        assert ids["a2"] not in [a for _, a, _ in await uow.notices.recipients(local, today)]
        assert await uow.notices.opted_out(ids["a4"])
        await uow.notices.set_opt_out(ids["a4"], False)
        assert not await uow.notices.opted_out(ids["a4"])


async def a_notice_moves_through_its_states_once(uow_factory: UnitOfWorkFactory) -> None:
    ids = await community(uow_factory, people=1)
    async with uow_factory() as uow:
        notice = await uow.notices.create(ids["unit"], ids["staff"], MessageRef(999, 42), None, NOW)
        spec = AudienceSpec(ids["street"], Audience.RETIREES, AudienceFilter.LOCAL)
        await uow.notices.set_audience(notice.id, spec)
        batch = await uow.outbox.create_batch("notice", "n")
        assert await uow.notices.set_status(notice.id, NoticeStatus.SENDING, batch)
        assert not await uow.notices.move(notice.id, NoticeStatus.DRAFT, NoticeStatus.SENDING)
        assert await uow.notices.move(notice.id, NoticeStatus.SENDING, NoticeStatus.CANCELLED)
        await uow.notices.set_progress_shown(notice.id, "1/2")
        await uow.notices.set_progress_message(notice.id, 77)
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.notices.get(notice.id)
        assert got is not None
        assert (got.audience, got.status, got.batch_id, got.progress_shown) == (
            spec,
            NoticeStatus.CANCELLED,
            batch,
            "1/2",
        )
        assert got.source == MessageRef(999, 42)
        assert got.progress_message_id == 77
        assert [n.id for n in await uow.notices.in_state(NoticeStatus.CANCELLED)] == [notice.id]


CONTRACT: tuple[Check, ...] = (
    the_last_places_go_to_the_first_and_the_rest_wait_in_order,
    a_freed_place_is_offered_and_an_expired_offer_moves_on,
    companions_count_and_a_raised_capacity_offers_places,
    presses_at_once_never_overbook,
    the_audience_is_counted_with_who_cannot_be_reached,
    a_notice_moves_through_its_states_once,
)
