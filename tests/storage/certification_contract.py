"""One behaviour, three stores: the certification repository contract, run against SQLite, PostgreSQL and
the fake (tests/storage/repositories/test_certification.py); its world serves the campaign's tests too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.actions import Button, InlineKeyboard
from bot.domain.certification import (
    CertList,
    CertListItem,
    CertMethod,
    CertStatus,
    RejectReason,
    ReminderBatch,
    SubmissionKind,
    SubmissionStatus,
)
from bot.domain.people import AccountRole, RetireeRecord, StaffRole, UnitKind
from bot.ports import UnitOfWorkFactory

AT = datetime(2027, 3, 1, 1, 30, tzinfo=UTC)
CYCLE = "2027"


@dataclass
class World:
    units: dict[str, int]
    retirees: dict[str, int]
    accounts: dict[str, int]


async def build_world(uow_factory: UnitOfWorkFactory) -> World:
    """Street S with communities A and B. Retirees: alive (a1, a2 in A; b1 in B), elsewhere (e1 in A),
    deceased (d1 in A), unbound (u1 in A). Accounts: one per bound retiree (a1's in English, the others
    Chinese), a family member of a1, a blocked retiree account of a2, a supervisor of S, staff of A."""
    async with uow_factory() as uow:
        for code, name, kind, parent in (
            ("C", "City", UnitKind.CITY, None),
            ("S", "Street", UnitKind.STREET, "C"),
            ("A", "Community A", UnitKind.COMMUNITY, "S"),
            ("B", "Community B", UnitKind.COMMUNITY, "S"),
        ):
            await uow.units.upsert(code, name, kind, parent)
        units = {}
        for code in "CSAB":
            unit = await uow.units.get_by_code(code)
            assert unit is not None
            units[code] = unit.id
        retirees = {}
        people = (
            ("a1", "A", False, False),
            ("a2", "A", False, False),
            ("b1", "B", False, False),
            ("e1", "A", True, False),
            ("d1", "A", False, True),
            ("u1", "A", False, False),
        )
        for n, (name, community, elsewhere, deceased) in enumerate(people, 1):
            record = RetireeRecord(
                name,
                f"{n:064d}",
                f"2101**********000{n}",
                date(1950, 1 + n, 1),
                date(2010, 1, 1),
                community,
                lives_elsewhere=elsewhere,
                deceased=deceased,
            )
            await uow.retirees.upsert(record)
            found = await uow.retirees.find_by_id_hash(record.id_hash)
            assert found is not None
            retirees[name] = found.id
        accounts = {}
        for user, (name, locale) in enumerate(
            (("a1", "en"), ("a2", "zh_Hans"), ("b1", "zh_Hant"), ("e1", "zh_Hans"), ("d1", "zh_Hans")), 1
        ):
            account = await uow.accounts.get_or_create(1000 + user, 1000 + user, locale)
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, retirees[name])
            accounts[name] = account.id
        family = await uow.accounts.get_or_create(2001, 2001, "zh_Hans")
        await uow.accounts.set_role(family.id, AccountRole.FAMILY)
        await uow.family.link(family.id, retirees["a1"], "son")
        accounts["family"] = family.id
        blocked = await uow.accounts.get_or_create(2002, 2002, "zh_Hans")
        await uow.accounts.set_role(blocked.id, AccountRole.RETIREE, retirees["a2"])
        await uow.accounts.set_unreachable(blocked.id)
        accounts["blocked"] = blocked.id
        supervisor = await uow.accounts.get_or_create(3001, 3001, "en")
        await uow.accounts.set_role(supervisor.id, AccountRole.STAFF)
        await uow.staff.add_membership(supervisor.id, units["S"], StaffRole.SUPERVISOR)
        accounts["supervisor"] = supervisor.id
        staff = await uow.accounts.get_or_create(3002, 3002, "zh_Hans")
        await uow.accounts.set_role(staff.id, AccountRole.STAFF)
        await uow.staff.add_membership(staff.id, units["A"], StaffRole.STAFF)
        accounts["staff"] = staff.id
        await uow.commit()
    return World(units, retirees, accounts)


def batch(number: int = 1) -> ReminderBatch:
    contexts = {
        (locale, elsewhere): {"where": f"{locale}-{'far' if elsewhere else 'near'}-{number}"}
        for locale in ("zh_Hans", "zh_Hant", "en")
        for elsewhere in (False, True)
    }
    keyboards = {
        locale: InlineKeyboard(((Button(f"done-{locale}", "v1:cr:d"),),))
        for locale in ("zh_Hans", "zh_Hant", "en")
    }
    return ReminderBatch(CYCLE, number, "t.j2", contexts, keyboards, "zh_Hans", None, "Asia/Shanghai")


async def check_reminders(uow_factory: UnitOfWorkFactory, world: World) -> dict[str, str]:
    """Enqueues once per bound, reachable account of an alive, pending retiree, in its language;
    returns {dedupe key: text} of the rows enqueued by the first call (read back from the outbox)."""
    async with uow_factory() as uow:
        bounds = await uow.certification.retiree_id_bounds()
        assert bounds is not None
        first = await uow.outbox.enqueue_reminders(batch(), *bounds)
        again = await uow.outbox.enqueue_reminders(batch(), *bounds)
        await uow.commit()
    r, a = world.retirees, world.accounts
    expected = {batch().dedupe_key(r[name], a[name]) for name in ("a1", "a2", "b1", "e1")}
    assert (first, again) == (len(expected), 0)
    return {key: "" for key in expected}


async def check_status_lifecycle(uow_factory: UnitOfWorkFactory, world: World) -> None:
    r, a = world.retirees, world.accounts
    at = AT
    async with uow_factory() as uow:
        repo = uow.certification
        assert await repo.get(r["a1"], CYCLE) is None
        assert await repo.self_report(r["a1"], CYCLE, at)
        assert not await repo.self_report(r["a1"], CYCLE, at)
        assert await repo.request_visit(r["a2"], CYCLE, at)
        assert not await repo.request_visit(r["a2"], CYCLE, at)
        before = await repo.certify(r["b1"], CYCLE, CertMethod.IN_PERSON, at, a["staff"])
        assert before is CertStatus.PENDING
        assert (
            await repo.certify(r["b1"], CYCLE, CertMethod.HOME_VISIT, at, a["staff"]) is CertStatus.CERTIFIED
        )
        record = await repo.get(r["b1"], CYCLE)
        assert record is not None
        assert record.status is CertStatus.CERTIFIED
        assert record.method is CertMethod.IN_PERSON
        last = await repo.last_certified(r["b1"])
        assert last is not None
        assert last.cycle == CYCLE
        await uow.commit()
    # Reminders stop for the self-reported and the certified; a2 (visit requested) is still pending.
    async with uow_factory() as uow:
        bounds = await uow.certification.retiree_id_bounds()
        assert bounds is not None
        added = await uow.outbox.enqueue_reminders(batch(2), *bounds)
        assert added == 2  # a2 and e1
        counts = await uow.certification.counts(CYCLE, [world.units["A"], world.units["B"]], False)
        assert counts[CertList.PENDING] == 3  # a2, e1, u1 (d1 is deceased)
        assert counts[CertList.SELF_REPORTED] == 1
        assert counts[CertList.CERTIFIED] == 1
        assert counts[CertList.TO_VISIT] == 1
        everyone = await uow.certification.counts(CYCLE, [world.units["A"]], True)
        assert everyone[CertList.TO_VISIT] == 3
        page = await uow.certification.listing(CYCLE, [world.units["A"]], CertList.PENDING, False, 0, 2)
        assert [i.name for i in page] == ["a2", "e1"]
        page2 = await uow.certification.listing(CYCLE, [world.units["A"]], CertList.PENDING, False, 2, 2)
        assert [i.name for i in page2] == ["u1"]
        visit = await uow.certification.listing(CYCLE, [world.units["A"]], CertList.TO_VISIT, False, 0, 10)
        assert [(i.name, i.visit_requested) for i in visit] == [("a2", True)]
        # The family of a1 is not told: a1 self-reported. Nobody else has family.
        assert await uow.certification.family_to_tell(CYCLE, 0, 10) == []
        await uow.commit()


async def check_family_and_suspension(uow_factory: UnitOfWorkFactory, world: World) -> None:
    r, a = world.retirees, world.accounts
    async with uow_factory() as uow:
        told = await uow.certification.family_to_tell(CYCLE, 0, 10)
        assert [(p.name, [f.account_id for f in p.family]) for p in told] == [("a1", [a["family"]])]
        await uow.certification.mark_family_told(CYCLE, [r["a1"]], AT)
        assert await uow.certification.family_to_tell(CYCLE, 0, 10) == []
        await uow.certification.certify(r["b1"], CYCLE, CertMethod.IN_PERSON, AT, None)
        bounds = await uow.certification.retiree_id_bounds()
        assert bounds is not None
        suspended = await uow.certification.suspend_pending(CYCLE, AT, *bounds)
        assert suspended == 4  # a1, a2, e1, u1: not b1 (certified), not d1 (deceased)
        assert await uow.certification.suspend_pending(CYCLE, AT, *bounds) == 0
        notices = await uow.certification.suspended_to_tell(CYCLE, 0, 2)
        assert [p.name for p in notices] == ["a1", "a2"]
        assert [o.account_id for o in notices[0].own] == [a["a1"]]
        assert [f.account_id for f in notices[0].family] == [a["family"]]
        assert [o.account_id for o in notices[1].own] == [a["a2"]]  # not the blocked account
        await uow.certification.mark_suspension_told(CYCLE, [p.retiree_id for p in notices], AT)
        rest = await uow.certification.suspended_to_tell(CYCLE, 0, 10)
        assert [p.name for p in rest] == ["e1", "u1"]
        # A late certification restores.
        before = await uow.certification.certify(r["a2"], CYCLE, CertMethod.HOME_VISIT, AT, None)
        assert before is CertStatus.SUSPENDED
        record = await uow.certification.get(r["a2"], CYCLE)
        assert record is not None
        assert record.restored_at is not None
        await uow.commit()


async def check_staff_and_submissions(uow_factory: UnitOfWorkFactory, world: World) -> None:
    r, a = world.retirees, world.accounts
    async with uow_factory() as uow:
        sups = await uow.certification.supervisors(UnitKind.STREET)
        assert [(s.account_id, s.unit_id) for s in sups] == [(a["supervisor"], world.units["S"])]
        staff = await uow.certification.staff_accounts()
        assert {s.account_id for s in staff} == {a["supervisor"], a["staff"]}
        sub = await uow.certification.add_submission(
            r["a1"], CYCLE, a["family"], SubmissionKind.PHOTO, "F1", AT
        )
        other = await uow.certification.add_submission(
            r["b1"], CYCLE, a["b1"], SubmissionKind.VIDEO, "F2", AT
        )
        waiting = await uow.certification.waiting_submissions([world.units["A"]], 10)
        assert [s.id for s in waiting] == [sub.id]
        assert await uow.certification.has_waiting_submission(r["a1"])
        assert not await uow.certification.has_waiting_submission(r["a2"])
        assert await uow.certification.review_submission(sub.id, False, RejectReason.NO_ID, a["staff"], AT)
        assert not await uow.certification.has_waiting_submission(r["a1"])
        assert not await uow.certification.review_submission(sub.id, True, None, a["staff"], AT)
        got = await uow.certification.get_submission(sub.id)
        assert got is not None
        assert got.status is SubmissionStatus.REJECTED
        assert got.reason is RejectReason.NO_ID
        assert (await uow.certification.get_submission(other.id)) is not None
        hashes = [f"{n:064d}" for n in (1, 2, 99)]
        assert await uow.certification.certify_by_hashes(CYCLE, hashes, AT, a["staff"]) == 2
        assert await uow.certification.certify_by_hashes(CYCLE, hashes, AT, a["staff"]) == 0
        record = await uow.certification.get(r["a2"], CYCLE)
        assert record is not None
        assert record.method is CertMethod.DATA_COMPARISON
        await uow.commit()


async def check_rolling_page(uow_factory: UnitOfWorkFactory, world: World) -> None:
    r, a = world.retirees, world.accounts
    async with uow_factory() as uow:
        await uow.certification.certify(r["a1"], "2026-05", CertMethod.IN_PERSON, AT, None)
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.certification.rolling_page(0, 3)
        rest = await uow.certification.rolling_page(first[-1].retiree_id, 10)
    everyone = [*first, *rest]
    assert [p.name for p in everyone] == ["a1", "a2", "b1", "e1", "u1"]  # alive only, by id
    a1 = everyone[0]
    assert a1.last_certified_at == AT
    assert [o.account_id for o in a1.own] == [a["a1"]]
    assert [f.account_id for f in a1.family] == [a["family"]]
    assert everyone[1].last_certified_at is None
    assert everyone[3].lives_elsewhere


async def check_a_retiree_looking_after_a_spouse(uow_factory: UnitOfWorkFactory, world: World) -> None:
    """b1 (a retiree with an account of their own) also looks after e1: b1 hears about e1 as family."""
    r, a = world.retirees, world.accounts
    async with uow_factory() as uow:
        await uow.family.link(a["b1"], r["e1"], "spouse")
        await uow.commit()
    async with uow_factory() as uow:
        told = await uow.certification.family_to_tell(CYCLE, 0, 10)
        assert [(p.name, [f.account_id for f in p.family]) for p in told] == [
            ("a1", [a["family"]]),
            ("e1", [a["b1"]]),
        ]
        page = {p.name: p for p in await uow.certification.rolling_page(0, 10)}
        assert [f.account_id for f in page["e1"].family] == [a["b1"]]
        assert [o.account_id for o in page["b1"].own] == [a["b1"]]
        assert page["b1"].family == ()


async def check_standings(uow_factory: UnitOfWorkFactory, world: World) -> None:
    r, u = world.retirees, world.units
    async with uow_factory() as uow:
        await uow.certification.certify(r["a1"], "2026-02", CertMethod.IN_PERSON, AT, None)
        await uow.certification.request_visit(r["a1"], "2027-02", AT)
        await uow.certification.request_visit(r["a2"], "2027-03", AT)
        await uow.commit()
    async with uow_factory() as uow:
        standings = await uow.certification.standings([u["A"]])
    # Alive retirees of A by name, each with their records in cycle order; B's and the deceased are not.
    assert [s.name for s in standings] == ["a1", "a2", "e1", "u1"]
    a1, a2, e1, _ = standings
    assert [(rec.cycle, rec.status) for rec in a1.records] == [
        ("2026-02", CertStatus.CERTIFIED),
        ("2027-02", CertStatus.PENDING),
    ]
    assert a1.records[0].certified_at == AT
    assert a1.records[1].visit_requested_at == AT
    assert [rec.cycle for rec in a2.records] == ["2027-03"]
    assert a1.birth_date == date(1950, 2, 1)
    assert a1.id_masked == "2101**********0001"
    assert e1.lives_elsewhere
    assert e1.records == ()


async def check_a_list_walked_by_key(uow_factory: UnitOfWorkFactory, world: World) -> None:
    """listing_after gives the pages of listing, in its order (community, name, id), whatever the
    page size: an export walks a district's list that way."""
    units = [world.units["A"], world.units["B"]]
    async with uow_factory() as uow:
        await uow.certification.self_report(world.retirees["e1"], CYCLE, AT)
        await uow.commit()
    async with uow_factory() as uow:
        for which in (CertList.PENDING, CertList.SELF_REPORTED, CertList.CERTIFIED):
            whole = await uow.certification.listing(CYCLE, units, which, False, 0, 100)
            for size in (1, 2, 3):
                walked: list[CertListItem] = []
                after = None
                while page := await uow.certification.listing_after(CYCLE, units, which, False, after, size):
                    assert len(page) <= size
                    walked += page
                    after = page[-1]
                assert walked == list(whole), (which, size)
        pending = await uow.certification.listing_after(CYCLE, units, CertList.PENDING, False, None, 10)
        assert [item.name for item in pending] == ["a1", "a2", "u1", "b1"]  # community A, then B


async def check_data_comparison_in_one_statement(uow_factory: UnitOfWorkFactory, world: World) -> None:
    """certify_by_hashes: a hash given twice certifies once, a suspended retiree is restored, an unknown
    hash and an already certified retiree change nothing."""
    r = world.retirees
    async with uow_factory() as uow:
        await uow.certification.suspend_pending(CYCLE, AT, r["b1"], r["b1"])
        await uow.certification.certify(r["a1"], CYCLE, CertMethod.IN_PERSON, AT, None)
        await uow.commit()
    later = AT.replace(hour=5)
    a1, a2, b1 = (f"{n:064d}" for n in (1, 2, 3))
    async with uow_factory() as uow:
        changed = await uow.certification.certify_by_hashes(CYCLE, [a2, a2, b1, a1, "f" * 64], later, None)
        assert changed == 2
        await uow.commit()
    async with uow_factory() as uow:
        restored = await uow.certification.get(r["b1"], CYCLE)
        assert restored is not None
        assert (restored.status, restored.method) == (CertStatus.CERTIFIED, CertMethod.DATA_COMPARISON)
        assert (restored.certified_at, restored.restored_at) == (later, later)
        kept = await uow.certification.get(r["a1"], CYCLE)
        assert kept is not None
        assert (kept.method, kept.certified_at) == (CertMethod.IN_PERSON, AT)
        new = await uow.certification.get(r["a2"], CYCLE)
        assert new is not None
        assert (new.status, new.restored_at) == (CertStatus.CERTIFIED, None)
