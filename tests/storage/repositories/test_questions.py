"""The question repository contract: plain async functions of a unit-of-work factory, run on SQLite,
PostgreSQL and the fake; and what only a server with row locks can show."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain.people import AccountRole, RetireeRecord, StaffRole, UnitKind
from bot.domain.questions import QuestionStatus
from bot.ports import UnitOfWorkFactory
from storage.database import Database
from tests.postgres_support import lock_waiters
from tests.waiting import wait_until

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class People:
    street: int
    community: int
    retiree: int
    asker: int
    staff: int
    supervisor: int
    other_staff: int  # staff of the other community


async def people(uow_factory: UnitOfWorkFactory) -> People:
    """Street S over communities A and B; a retiree of A who asks; staff of A, B and a supervisor of S."""
    async with uow_factory() as uow:
        await uow.units.upsert("C", "City", UnitKind.CITY, None)
        await uow.units.upsert("S", "Street", UnitKind.STREET, "C")
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, "S")
        await uow.units.upsert("B", "Community B", UnitKind.COMMUNITY, "S")
        street, a, b = [await uow.units.get_by_code(code) for code in "SAB"]
        assert street is not None
        assert a is not None
        assert b is not None
        record = RetireeRecord("R1", "1" * 64, "2101**********0001", date(1950, 1, 1), date(2010, 1, 1), "A")
        await uow.retirees.upsert(record)
        retiree = await uow.retirees.find_by_id_hash(record.id_hash)
        assert retiree is not None
        asker = await uow.accounts.get_or_create(101, 101, "zh_Hans")
        await uow.accounts.set_role(asker.id, AccountRole.RETIREE, retiree.id)
        ids = []
        for user, unit, role in (
            (201, a.id, StaffRole.STAFF),
            (202, street.id, StaffRole.SUPERVISOR),
            (203, b.id, StaffRole.STAFF),
        ):
            account = await uow.accounts.get_or_create(user, user, "en")
            await uow.accounts.set_role(account.id, AccountRole.STAFF)
            await uow.staff.add_membership(account.id, unit, role)
            ids.append(account.id)
        await uow.commit()
    return People(street.id, a.id, retiree.id, asker.id, *ids)


async def add_question_and_read_it_back(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        added = await uow.questions.add(p.asker, p.retiree, p.community, "丧葬费怎么领", "zh_Hans", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.questions.get(added.id)
        assert await uow.questions.get(added.id + 1000) is None
    assert found == added
    assert found is not None
    assert (found.asker_account_id, found.retiree_id, found.unit_id) == (p.asker, p.retiree, p.community)
    assert (found.text, found.language, found.status) == ("丧葬费怎么领", "zh_Hans", QuestionStatus.OPEN)
    assert found.created_at == NOW
    assert found.created_at.tzinfo is not None
    assert (found.answer, found.answered_at, found.answered_by_account_id, found.escalated_at) == (None,) * 4


async def a_question_is_answered_once(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        question = await uow.questions.add(p.asker, p.retiree, p.community, "q", "zh_Hans", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.questions.answer(question.id, p.staff, "first", NOW + timedelta(hours=1)) is True
        await uow.commit()
    async with uow_factory() as uow:
        assert (
            await uow.questions.answer(question.id, p.supervisor, "second", NOW + timedelta(hours=2)) is False
        )
        assert await uow.questions.answer(question.id + 1000, p.staff, "none", NOW) is False
        await uow.commit()
    async with uow_factory() as uow:
        answered = await uow.questions.get(question.id)
    assert answered is not None
    assert answered.status is QuestionStatus.ANSWERED
    assert (answered.answer, answered.answered_by_account_id) == ("first", p.staff)
    assert answered.answered_at == NOW + timedelta(hours=1)


async def overdue_lists_open_unescalated_questions_asked_before(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        old = await uow.questions.add(p.asker, p.retiree, p.community, "old", "zh_Hans", NOW)
        answered = await uow.questions.add(p.asker, p.retiree, p.community, "answered", "zh_Hans", NOW)
        escalated = await uow.questions.add(p.asker, p.retiree, p.community, "escalated", "zh_Hans", NOW)
        # Asked in another time zone, an hour before the cutoff in absolute time.
        local = await uow.questions.add(
            p.asker, p.retiree, None, "local", "zh_Hans", (NOW + timedelta(hours=23)).astimezone(SHANGHAI)
        )
        recent = await uow.questions.add(
            p.asker, p.retiree, p.community, "recent", "zh_Hans", NOW + timedelta(1)
        )
        await uow.questions.answer(answered.id, p.staff, "done", NOW)
        await uow.questions.mark_escalated(escalated.id, NOW)
        await uow.questions.mark_escalated(recent.id + 1000, NOW)  # unknown: nothing happens
        await uow.commit()
    async with uow_factory() as uow:
        overdue = await uow.questions.overdue(NOW + timedelta(hours=24))
        assert [q.id for q in overdue] == [old.id, local.id]
        assert overdue[1].created_at == NOW + timedelta(hours=23)
        # The cutoff is exclusive: a question asked exactly then is not overdue yet.
        assert [q.id for q in await uow.questions.overdue(NOW)] == []
        await uow.questions.mark_escalated(old.id, NOW + timedelta(hours=24))
        await uow.commit()
    async with uow_factory() as uow:
        assert [q.id for q in await uow.questions.overdue(NOW + timedelta(days=3))] == [local.id, recent.id]
        marked = await uow.questions.get(old.id)
    assert marked is not None
    assert marked.escalated_at == NOW + timedelta(hours=24)
    assert marked.status is QuestionStatus.OPEN


async def escalating_an_unknown_question_changes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        question = await uow.questions.add(p.asker, p.retiree, p.community, "q", "zh_Hans", NOW)
        await uow.questions.mark_escalated(question.id + 1000, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert [q.id for q in await uow.questions.overdue(NOW + timedelta(days=1))] == [question.id]


async def staff_of_a_unit_by_role_not_of_units_below(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        community_staff = await uow.questions.staff_of(p.community)
        street_staff = await uow.questions.staff_of(p.street)
        supervisors = await uow.questions.staff_of(p.street, (StaffRole.SUPERVISOR, StaffRole.ADMIN))
        only_staff_role = await uow.questions.staff_of(p.street, (StaffRole.STAFF,))
    assert [a.id for a in community_staff] == [p.staff]
    assert community_staff[0].role is AccountRole.STAFF
    assert (community_staff[0].chat_id, community_staff[0].locale) == (201, "en")
    assert [a.id for a in street_staff] == [p.supervisor]  # not the staff of A and B below it
    assert [a.id for a in supervisors] == [p.supervisor]
    assert only_staff_role == []


async def unanswered_log_newest_first_in_pages(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.questions.count_unanswered() == 0
        assert await uow.questions.unanswered(0, 10) == []
        for minute in range(5):
            await uow.questions.log_unanswered(
                f"q{minute}", "zh_Hans", "low", minute / 10, NOW + timedelta(minutes=minute)
            )
        # Two at the same moment: the later one first.
        await uow.questions.log_unanswered("same-1", "en", "scope", 0.0, NOW + timedelta(minutes=9))
        await uow.questions.log_unanswered("same-2", "en", "scope", 0.0, NOW + timedelta(minutes=9))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.questions.count_unanswered() == 7
        first = await uow.questions.unanswered(0, 3)
        second = await uow.questions.unanswered(3, 3)
        last = await uow.questions.unanswered(6, 3)
    assert [q.text for q in first] == ["same-2", "same-1", "q4"]
    assert [q.text for q in second] == ["q3", "q2", "q1"]
    assert [q.text for q in last] == ["q0"]
    q4 = first[2]
    assert (q4.language, q4.reason, q4.confidence, q4.at) == (
        "zh_Hans",
        "low",
        0.4,
        NOW + timedelta(minutes=4),
    )


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        question = await uow.questions.add(p.asker, p.retiree, p.community, "q", "zh_Hans", NOW)
        await uow.questions.log_unanswered("q", "zh_Hans", "low", 0.1, NOW)
    async with uow_factory() as uow:
        assert await uow.questions.get(question.id) is None
        assert await uow.questions.count_unanswered() == 0


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    add_question_and_read_it_back,
    a_question_is_answered_once,
    overdue_lists_open_unescalated_questions_asked_before,
    escalating_an_unknown_question_changes_nothing,
    staff_of_a_unit_by_role_not_of_units_below,
    unanswered_log_newest_first_in_pages,
    nothing_is_kept_without_a_commit,
)


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
async def test_question_repository_contract(uow_factory: UnitOfWorkFactory, check: Check) -> None:
    await check(uow_factory)


@pytest.mark.postgres
async def test_two_staff_answering_at_once_have_one_winner(postgres_database: Database) -> None:
    """On a server the two transactions really run side by side: the second waits on the first's row lock,
    then finds the question answered."""
    database = postgres_database
    p = await people(database.uow)
    async with database.uow() as uow:
        question = await uow.questions.add(p.asker, p.retiree, p.community, "q", "zh_Hans", NOW)
        await uow.commit()

    async def other_queued() -> bool:
        return await lock_waiters(database) == 1

    async def answer(staff: int, text: str) -> bool:
        async with database.uow() as uow:
            won = await uow.questions.answer(question.id, staff, text, NOW + timedelta(hours=1))
            if won:
                await wait_until(other_queued)  # the winner holds the row lock until the other waits for it
            await uow.commit()
            return won

    results = await asyncio.gather(answer(p.staff, "from staff"), answer(p.supervisor, "from supervisor"))

    assert sorted(results) == [False, True]
    async with database.uow() as uow:
        answered = await uow.questions.get(question.id)
    assert answered is not None
    winner = p.staff if results[0] else p.supervisor
    assert answered.answered_by_account_id == winner
    assert answered.answer == ("from staff" if results[0] else "from supervisor")
