"""Death reports and claims over the fakes: one report informs all, confirmation and withdrawal, staff
decisions, escalation of untouched claims, the estimate and the pension paid after the death."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.claims import ClaimRules, ClaimStatus, DocumentSpec, FileType, ReportStatus
from bot.domain.conversation import ConversationState
from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.domain.people import (
    Account,
    AccountRole,
    FamilyLink,
    RetireeRecord,
    StaffMembership,
    StaffRole,
    UnitKind,
)
from bot.services import claims as service
from tests.fakes import FakeDatabase
from tests.parts import county_profile

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in China
REPORT = service.Report(date(2027, 2, 26), "son", "13800000000", True)


class People:
    def __init__(self) -> None:
        self.db = FakeDatabase()
        street = self.db.add_unit("S", "Street", UnitKind.STREET)
        community = self.db.add_unit("A", "Community A", UnitKind.COMMUNITY, street.id)
        other = self.db.add_unit("B", "Community B", UnitKind.COMMUNITY, street.id)
        self.retiree = self.db.add_retiree(
            RetireeRecord("王芳", "h" * 64, "2101**********123X", date(1950, 1, 1), date(2010, 6, 1), "A")
        )
        self.own = self._account(1, AccountRole.RETIREE, self.retiree.id)
        self.son = self._account(2, AccountRole.FAMILY)
        self.daughter = self._account(3, AccountRole.FAMILY)
        self.staff = self._account(4, AccountRole.STAFF)
        self.supervisor = self._account(5, AccountRole.STAFF)
        self.stranger = self._account(6, AccountRole.STAFF)
        s = self.db.state
        for account in (self.son, self.daughter):
            s.family[(account.id, self.retiree.id)] = FamilyLink(account.id, self.retiree.id, "son")
        s.memberships += [
            StaffMembership(self.staff.id, community.id, StaffRole.STAFF),
            StaffMembership(self.supervisor.id, street.id, StaffRole.SUPERVISOR),
            StaffMembership(self.stranger.id, other.id, StaffRole.STAFF),
        ]

    def _account(self, n: int, role: AccountRole, retiree_id: int | None = None) -> Account:
        account = Account(self.db.state.new_id(), 900 + n, 900 + n, "zh_Hans", role, retiree_id)
        self.db.state.accounts[account.id] = account
        return account

    def queue(self, key: str, account: Account, about: int | None = None) -> None:
        self.db.state.outbox[key] = OutboxMessage(
            chat_id=account.chat_id,
            account_id=account.id,
            category=MessageCategory.REMINDER,
            dedupe_key=key,
            text="…",
            about_retiree_id=about,
        )

    def status(self, key: str) -> OutboxStatus:
        return self.db.state.outbox_status.get(key, OutboxStatus.QUEUED)

    def keys(self, prefix: str) -> list[str]:
        return [k for k in self.db.state.outbox if k.startswith(prefix)]


@pytest.fixture
def people() -> People:
    return People()


async def _report(people: People, by: Account | None = None) -> tuple[int, bool]:
    async with people.db.uow() as uow:
        retiree = await uow.retirees.get(people.retiree.id)
        assert retiree is not None
        claim, opened = await service.report_death(uow, by or people.son, retiree, REPORT, NOW)
        await uow.commit()
    return claim.id, opened


async def test_one_report_holds_reminders_tells_staff_and_the_other_relatives_once(people: People) -> None:
    people.queue("cert-rem:own", people.own)
    people.queue("cert-family:about", people.daughter, about=people.retiree.id)
    people.queue("unrelated", people.daughter)
    claim_id, opened = await _report(people)
    assert opened
    assert people.status("cert-rem:own") is OutboxStatus.HELD
    assert people.status("cert-family:about") is OutboxStatus.HELD
    assert people.status("unrelated") is OutboxStatus.QUEUED
    assert people.db.state.retirees[people.retiree.id].death_reported
    staff_tasks = people.keys(f"claim-staff:{claim_id}:reported")
    assert [people.db.state.outbox[k].account_id for k in staff_tasks] == [people.staff.id]
    told = people.keys(f"death-told:{claim_id}")
    assert [people.db.state.outbox[k].account_id for k in told] == [people.daughter.id]  # not the reporter
    assert people.db.state.outbox[told[0]].context["kind"] == "condolence"
    assert not [
        m
        for m in people.db.state.outbox.values()
        if m.account_id == people.own.id and "claim" in m.dedupe_key
    ]
    audit = people.db.state.audit[-1]
    assert (audit["action"], audit["actor"], audit["details"]["held"]) == ("death.reported", people.son.id, 2)
    # The daughter reports too: the same claim, nobody told twice.
    again, opened = await _report(people, people.daughter)
    assert (again, opened) == (claim_id, False)
    assert len(people.keys("death-told:")) == 1
    assert len(people.keys("claim-staff:")) == 1


async def test_confirming_records_the_death_cancels_what_was_held_and_unlinks_the_retiree(
    people: People,
) -> None:
    people.queue("cert-rem:own", people.own)
    claim_id, _ = await _report(people)
    async with people.db.uow() as uow:
        with pytest.raises(service.NotAllowed):  # staff of another community
            await service.confirm_death(uow, people.stranger, claim_id, NOW)
        assert await service.confirm_death(uow, people.staff, claim_id, NOW)
        assert not await service.confirm_death(uow, people.staff, claim_id, NOW)
        await uow.commit()
    s = people.db.state
    assert s.retirees[people.retiree.id].deceased
    assert people.status("cert-rem:own") is OutboxStatus.CANCELLED
    assert s.accounts[people.own.id].role is AccountRole.NEW
    assert s.accounts[people.own.id].retiree_id is None
    claim = s.claims[claim_id]
    assert (claim.report_status, claim.confirmed_by_account_id, claim.reported_by_account_id) == (
        ReportStatus.CONFIRMED,
        people.staff.id,
        people.son.id,
    )
    assert s.audit[-1]["action"] == "death.confirmed"


async def test_withdrawing_a_mistaken_report_restores_everything(people: People) -> None:
    people.queue("cert-rem:own", people.own)
    people.queue("cert-family:about", people.daughter, about=people.retiree.id)
    claim_id, _ = await _report(people)
    async with people.db.uow() as uow:
        assert await service.withdraw_report(uow, people.supervisor, claim_id, NOW)
        await uow.commit()
    s = people.db.state
    assert people.status("cert-rem:own") is OutboxStatus.QUEUED
    assert people.status("cert-family:about") is OutboxStatus.QUEUED
    assert s.retirees[people.retiree.id].in_campaign
    assert s.accounts[people.own.id].role is AccountRole.RETIREE
    assert (s.audit[-1]["action"], s.audit[-1]["details"]["released"]) == ("death.withdrawn", 2)


async def test_documents_submission_and_staff_decisions_tell_the_family(people: People) -> None:
    claim_id, _ = await _report(people)
    rules = county_profile().region.claims
    assert rules is not None
    async with people.db.uow() as uow:
        claim = await uow.claims.get(claim_id)
        assert claim is not None
        await service.put_document(
            uow, people.son, claim, "cremation_certificate", ("f1", FileType.PHOTO, 10), NOW
        )
        await service.put_document(uow, people.son, claim, "burial_certificate", None, NOW)
        documents = await uow.claims.documents(claim_id)
        assert service.missing_documents(rules, claim, documents) == [
            "burial_certificate",
            "deceased_id",
            "applicant_id",
        ]
        assert await service.submit(uow, people.son, claim, NOW)
        assert not await service.submit(uow, people.son, claim, NOW)
        later = NOW + timedelta(hours=1)
        assert await service.decide(uow, people.staff, claim_id, "documents", later, note="安葬证明")
        assert await service.submit(uow, people.daughter, claim, later + timedelta(hours=1))
        with pytest.raises(service.NotAllowed):
            await service.decide(uow, people.son, claim_id, "approve", later, amount=Decimal(1))
        done = later + timedelta(hours=2)
        assert await service.decide(uow, people.staff, claim_id, "approve", done, amount=Decimal("23456.70"))
        assert not await service.decide(uow, people.staff, claim_id, "return", done, note="x")
        await uow.commit()
    s = people.db.state
    claim = s.claims[claim_id]
    assert (claim.status, claim.amount, claim.report_status) == (
        ClaimStatus.APPROVED,
        Decimal("23456.70"),
        ReportStatus.CONFIRMED,  # an approval confirms the death
    )
    approved = [m for m in s.outbox.values() if m.context.get("status") == "approved"]
    assert sorted(m.account_id or 0 for m in approved) == [people.son.id, people.daughter.id]
    assert approved[0].context["amount"] == "23456.70"
    asked = [m for m in s.outbox.values() if m.context.get("status") == "documents_missing"]
    assert asked
    assert asked[0].context["note"] == "安葬证明"
    assert {a["action"] for a in s.audit} >= {"claim.document", "claim.submitted", "claim.approve"}


async def test_a_claim_untouched_for_three_working_days_goes_to_the_supervisor_once(people: People) -> None:
    claim_id, _ = await _report(people)
    rules = ClaimRules(documents=(DocumentSpec("x", {"en": "x"}),), review_working_days=3)
    china = ZoneInfo("Asia/Shanghai")
    async with people.db.uow() as uow:
        claim = await uow.claims.get(claim_id)
        assert claim is not None
        await service.submit(uow, people.son, claim, NOW)  # Monday
        # Wednesday: two working days after Monday; Thursday: three.
        assert await service.escalate_untouched(uow, rules, china, NOW + timedelta(days=2)) == 0
        assert await service.escalate_untouched(uow, rules, china, NOW + timedelta(days=3)) == 1
        assert await service.escalate_untouched(uow, rules, china, NOW + timedelta(days=4)) == 0
        await uow.commit()
    late = people.keys(f"claim-late:{claim_id}")
    assert [people.db.state.outbox[k].account_id for k in late] == [people.supervisor.id]


async def test_the_estimate_and_the_pension_paid_after_the_death(people: People) -> None:
    claim_id, _ = await _report(people)
    async with people.db.uow() as uow:
        await uow.claims.set_details(claim_id, paid_through="2027-04", monthly_pension=Decimal("3000"))
        claim = await uow.claims.get(claim_id)
    assert claim is not None
    owed = service.overpaid(claim)
    assert owed is not None
    assert (owed.months, owed.amount) == (2, Decimal("6000.00"))
    estimate = service.estimate(county_profile().region, people.retiree, claim)
    assert estimate is not None
    assert estimate.total is None


def test_a_date_of_death_in_the_future_or_before_retirement_is_refused(people: People) -> None:
    today = date(2027, 3, 1)
    with pytest.raises(service.BadDate, match="future"):
        service.check_date_of_death(date(2027, 3, 2), people.retiree, today)
    with pytest.raises(service.BadDate, match="before_retirement"):
        service.check_date_of_death(date(2009, 1, 1), people.retiree, today)
    service.check_date_of_death(today, people.retiree, today)


async def test_an_unfinished_report_is_reminded_once_and_not_when_the_claim_moved_on(people: People) -> None:
    db, son, daughter = people.db, people.son, people.daughter
    began = (NOW - timedelta(hours=25)).isoformat()
    async with db.uow() as uow:
        # The son stopped before Send; the daughter sent it and was gathering documents; a third chat has
        # no timestamp (a conversation from before it was kept).
        await uow.conversations.save(
            son.chat_id,
            son.telegram_user_id,
            ConversationState(
                service.REPORT_FLOW, "phone", {"retiree_id": people.retiree.id, "started": began}
            ),
        )
        claim, _ = await service.report_death(
            uow, daughter, people.retiree, REPORT, NOW - timedelta(hours=25)
        )
        await uow.conversations.save(
            daughter.chat_id,
            daughter.telegram_user_id,
            ConversationState(
                service.REPORT_FLOW,
                "documents",
                {"claim_id": claim.id, "retiree_id": people.retiree.id, "started": began},
            ),
        )
        await uow.conversations.save(
            people.staff.chat_id,
            people.staff.telegram_user_id,
            ConversationState(service.REPORT_FLOW, "date", {"retiree_id": people.retiree.id}),
        )
        assert await service.remind_unfinished(uow, NOW) == 2
        assert await service.remind_unfinished(uow, NOW + timedelta(hours=1)) == 0
        await uow.commit()
    reminded = people.keys("death-report-unfinished:")
    assert sorted(reminded) == sorted(
        f"death-report-unfinished:{a.id}:{people.retiree.id}" for a in (son, daughter)
    )
    message = db.state.outbox[reminded[0]]
    assert message.category is MessageCategory.NOTICE
    assert message.template == service.NOTICE_TEMPLATE

    # Submitted (by a relative) before the reminder was due: nobody is left gathering.
    fresh = People()
    async with fresh.db.uow() as uow:
        claim, _ = await service.report_death(
            uow, fresh.son, fresh.retiree, REPORT, NOW - timedelta(hours=25)
        )
        await uow.conversations.save(
            fresh.son.chat_id,
            fresh.son.telegram_user_id,
            ConversationState(
                service.REPORT_FLOW,
                "documents",
                {"claim_id": claim.id, "retiree_id": fresh.retiree.id, "started": began},
            ),
        )
        assert await service.submit(uow, fresh.daughter, claim, NOW - timedelta(hours=1))
        assert await service.remind_unfinished(uow, NOW) == 0


async def test_a_blocked_chat_gets_no_unfinished_report_reminder(people: People) -> None:
    son = people.son
    async with people.db.uow() as uow:
        await uow.accounts.set_unreachable(son.id)
        await uow.conversations.save(
            son.chat_id,
            son.telegram_user_id,
            ConversationState(
                service.REPORT_FLOW, "choose", {"started": (NOW - timedelta(days=3)).isoformat()}
            ),
        )
        assert await service.remind_unfinished(uow, NOW) == 0
        await uow.accounts.set_unreachable(son.id, False)
        assert await service.remind_unfinished(uow, NOW) == 1
        await uow.commit()
    assert people.keys("death-report-unfinished:") == [f"death-report-unfinished:{son.id}:0"]
