"""The 24-hour escalation of questions handed to staff (`escalate_overdue_questions`), on SQLite built by
the real migrations, with a fake clock: what goes to whom through the outbox, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.callbacks import AnswerQuestionButton
from bot.domain.outbox import MessageCategory
from bot.domain.people import Account, AccountRole, RetireeRecord, StaffRole
from bot.domain.questions import Question
from bot.i18n import I18n
from bot.rendering import Renderer
from bot.services.questions import escalate_overdue_questions, hand_off
from storage.database import Database
from storage.models import OutboxRow
from tests.fakes import FakeClock
from tests.parts import county_profile

ASKED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
QUESTION = "我想把养老金转到女儿那边的银行卡"
I18N = I18n()


async def account(database: Database, user: int, role: AccountRole, *, locale: str = "zh_Hans") -> Account:
    async with database.uow() as uow:
        created = await uow.accounts.get_or_create(user, user, locale)
        await uow.accounts.set_role(created.id, role)
        await uow.commit()
    return created


async def staff(database: Database, user: int, unit_code: str, role: StaffRole, **kwargs: str) -> Account:
    member = await account(database, user, AccountRole.STAFF, **kwargs)
    async with database.uow() as uow:
        unit = await uow.units.get_by_code(unit_code)
        assert unit is not None
        await uow.staff.add_membership(member.id, unit.id, role)
        await uow.commit()
    return member


async def retiree_asks(
    database: Database, user: int, community: str, text: str, at: datetime = ASKED
) -> Question:
    """A retiree of `community` (their first question) hands `text` to a person at `at`."""
    digit = str(user % 10)
    record = RetireeRecord(
        f"王秀英{user}",
        digit * 64,
        f"2101**********000{digit}",
        date(1948, 5, 1),
        date(2008, 5, 1),
        community,
    )
    async with database.uow() as uow:
        await uow.retirees.upsert(record)
        retiree = await uow.retirees.find_by_id_hash(record.id_hash)
        assert retiree is not None
        created = await uow.accounts.get_or_create(user, user, "zh_Hans")
        await uow.accounts.set_role(created.id, AccountRole.RETIREE, retiree.id)
        asker = await uow.accounts.get(created.id)
        assert asker is not None
        handed = await hand_off(uow, asker, text, "zh_Hans", at)
        await uow.commit()
    return handed.question


async def asked_in_community_a(database: Database, tree: dict[str, int]) -> int:
    question = await retiree_asks(database, 100, "A", QUESTION)
    assert question.unit_id == tree["A"]
    return question.id


async def outbox(database: Database) -> list[OutboxRow]:
    async with database.session() as session:
        return list(await session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


async def escalate(database: Database, clock: FakeClock) -> int:
    tz = county_profile().calendar.tz
    return await escalate_overdue_questions(database.uow, clock, i18n=I18N, renderer=Renderer(I18N), tz=tz)


async def test_after_24_hours_the_street_supervisor_gets_the_question_once(
    database: Database, tree: dict[str, int]
) -> None:
    await staff(database, 201, "A", StaffRole.STAFF)
    supervisor = await staff(database, 202, "S", StaffRole.SUPERVISOR, locale="en")
    await staff(database, 203, "S", StaffRole.STAFF)  # street staff who are not supervisors: not them
    await staff(database, 204, "D", StaffRole.SUPERVISOR)  # the district: only when the street has none
    question_id = await asked_in_community_a(database, tree)
    clock = FakeClock(ASKED + timedelta(hours=23, minutes=59))

    assert await escalate(database, clock) == 0
    assert await outbox(database) == []

    clock.advance(timedelta(minutes=2))
    assert await escalate(database, clock) == 1
    (notice,) = await outbox(database)
    assert (notice.chat_id, notice.account_id) == (202, supervisor.id)
    assert notice.category == MessageCategory.NOTICE.value
    assert QUESTION in (notice.text or "")
    assert "王秀英100" in (notice.text or "")
    assert "Community A" in (notice.text or "")
    # In the supervisor's language, marked as overdue, with the button to answer it.
    assert I18N.translator("en").gettext("Unanswered for 24 hours: a question from a retiree") in (
        notice.text or ""
    )
    # When it was asked, on the clock of the region (09:00 UTC is 17:00 in Beijing), not in UTC.
    beijing = I18N.translator("en").format_datetime(ASKED, "short", tzinfo=ZoneInfo("Asia/Shanghai"))
    assert "5:00" in beijing
    assert beijing in (notice.text or "")
    assert notice.keyboard is not None
    assert AnswerQuestionButton("a", question_id).pack() in str(notice.keyboard)
    async with database.uow() as uow:
        question = await uow.questions.get(question_id)
    assert question is not None
    assert question.escalated_at == clock.now()

    clock.advance(timedelta(hours=24))
    assert await escalate(database, clock) == 0
    assert len(await outbox(database)) == 1


async def test_an_answered_question_is_not_escalated(database: Database, tree: dict[str, int]) -> None:
    member = await staff(database, 201, "A", StaffRole.STAFF)
    await staff(database, 202, "S", StaffRole.SUPERVISOR)
    question_id = await asked_in_community_a(database, tree)
    async with database.uow() as uow:
        assert await uow.questions.answer(question_id, member.id, "可以", ASKED + timedelta(hours=2))
        await uow.commit()

    assert await escalate(database, FakeClock(ASKED + timedelta(days=2))) == 0
    assert await outbox(database) == []


async def test_with_no_supervisor_at_the_street_it_goes_further_up(
    database: Database, tree: dict[str, int]
) -> None:
    await staff(database, 201, "A", StaffRole.STAFF)
    await staff(database, 202, "B", StaffRole.SUPERVISOR)  # a neighbouring community's: not above A
    admin = await staff(database, 205, "D", StaffRole.ADMIN)
    await asked_in_community_a(database, tree)

    assert await escalate(database, FakeClock(ASKED + timedelta(hours=25))) == 1

    assert [row.account_id for row in await outbox(database)] == [admin.id]


async def test_a_supervisor_who_blocked_the_bot_is_passed_over(
    database: Database, tree: dict[str, int]
) -> None:
    await staff(database, 201, "A", StaffRole.STAFF)
    gone = await staff(database, 202, "S", StaffRole.SUPERVISOR)
    district = await staff(database, 204, "D", StaffRole.SUPERVISOR)
    async with database.uow() as uow:
        await uow.accounts.set_unreachable(gone.id)
        await uow.commit()
    await asked_in_community_a(database, tree)

    assert await escalate(database, FakeClock(ASKED + timedelta(hours=25))) == 1

    assert [row.account_id for row in await outbox(database)] == [district.id]


async def test_with_no_supervisor_anywhere_it_is_marked_and_not_retried(
    database: Database, tree: dict[str, int]
) -> None:
    await staff(database, 201, "A", StaffRole.STAFF)
    question_id = await asked_in_community_a(database, tree)
    clock = FakeClock(ASKED + timedelta(hours=25))

    assert await escalate(database, clock) == 1
    assert await escalate(database, clock) == 0

    assert await outbox(database) == []
    async with database.uow() as uow:
        question = await uow.questions.get(question_id)
    assert question is not None
    assert question.escalated_at == clock.now()


async def test_questions_of_several_communities_each_reach_their_own_street(
    database: Database, tree: dict[str, int]
) -> None:
    """Two questions a day old, one from a community with no staff of its own (handed to the street, whose
    supervisor has had it from the start: it goes one level further up)."""
    await staff(database, 201, "A", StaffRole.STAFF)
    street = await staff(database, 202, "S", StaffRole.SUPERVISOR)
    district = await staff(database, 204, "D", StaffRole.SUPERVISOR)
    first = await asked_in_community_a(database, tree)
    second = await retiree_asks(database, 300, "B", "社区在哪里", ASKED + timedelta(hours=1))
    assert second.unit_id == tree["S"]  # community B has no staff: its street answers

    assert await escalate(database, FakeClock(ASKED + timedelta(hours=26))) == 2

    rows = await outbox(database)
    assert [row.account_id for row in rows] == [street.id, district.id]
    assert {row.dedupe_key for row in rows} == {
        f"question:{first}:escalated:{street.id}",
        f"question:{second.id}:escalated:{district.id}",
    }
