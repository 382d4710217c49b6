"""One behaviour, three stores: the claim repository contract (and holding the outbox about a retiree), run
against SQLite, PostgreSQL and the fake (tests/storage/repositories/test_claims.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bot.domain.claims import (
    ClaimDocument,
    ClaimStatus,
    DocumentState,
    FileType,
    NewReport,
    ReportStatus,
)
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import UnitKind
from bot.ports import UnitOfWorkFactory
from tests.storage.people import add_retirees, retiree_record

AT = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)


async def people(uow_factory: UnitOfWorkFactory) -> dict[str, int]:
    """Retirees r1, r2 in community A, r3 in community B; accounts a1, a2, a3. Ids by name."""
    async with uow_factory() as uow:
        await uow.units.upsert("A", "Community A", UnitKind.COMMUNITY, None)
        await uow.units.upsert("B", "Community B", UnitKind.COMMUNITY, None)
        ids = await add_retirees(uow, ["A", "A", "B"])
        for code in ("A", "B"):
            found = await uow.units.get_by_code(code)
            assert found is not None
            ids[code] = found.id
        await uow.commit()
    return ids


def new_report(retiree_id: int, account_id: int, reference: str = "ABCD2345", at: datetime = AT) -> NewReport:
    return NewReport(
        retiree_id=retiree_id,
        died_on=date(2027, 2, 20),
        account_id=account_id,
        relation="son",
        phone="13800000000",
        is_recipient=True,
        reference=reference,
        at=at,
    )


async def a_second_report_of_the_same_death_finds_the_first_claim(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        first, opened = await uow.claims.report(new_report(p["r1"], p["a1"]))
        assert opened
        assert first.reference == "ABCD2345"
        assert (first.report_status, first.status) == (ReportStatus.REPORTED, ClaimStatus.GATHERING)
        await uow.commit()
    async with uow_factory() as uow:
        second, opened = await uow.claims.report(new_report(p["r1"], p["a2"], reference="WXYZ6789"))
        assert not opened
        assert (second.id, second.reference, second.reported_by_account_id) == (first.id, "ABCD2345", p["a1"])
        assert await uow.claims.for_retiree(p["r2"]) is None
        assert await uow.claims.get(first.id) == second


async def confirm_and_withdraw_happen_once(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        one, _ = await uow.claims.report(new_report(p["r1"], p["a1"]))
        two, _ = await uow.claims.report(new_report(p["r2"], p["a2"], reference="QRST2345"))
        assert await uow.claims.confirm(one.id, p["a3"], AT)
        assert not await uow.claims.confirm(one.id, p["a3"], AT)  # a double press
        assert not await uow.claims.withdraw(one.id, p["a3"], AT)  # confirmed: no longer withdrawn
        assert await uow.claims.withdraw(two.id, p["a3"], AT)
        assert not await uow.claims.confirm(two.id, p["a3"], AT)
        await uow.commit()
    async with uow_factory() as uow:
        confirmed = await uow.claims.get(one.id)
        assert confirmed is not None
        assert confirmed.report_status is ReportStatus.CONFIRMED
        assert (confirmed.confirmed_by_account_id, confirmed.confirmed_at) == (p["a3"], AT)
        # Reported again after a withdrawal: the same claim, opened afresh.
        again, opened = await uow.claims.report(new_report(p["r2"], p["a1"], at=AT + timedelta(days=1)))
        assert opened
        assert again.id == two.id
        assert again.report_status is ReportStatus.REPORTED
        assert again.reported_by_account_id == p["a1"]


async def status_moves_only_from_the_statuses_given(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    later = AT + timedelta(hours=1)
    async with uow_factory() as uow:
        claim, _ = await uow.claims.report(new_report(p["r1"], p["a1"]))
        assert not await uow.claims.set_status(
            claim.id, ClaimStatus.APPROVED, later, only_from=[ClaimStatus.UNDER_REVIEW]
        )
        assert await uow.claims.set_status(
            claim.id, ClaimStatus.SUBMITTED, later, only_from=[ClaimStatus.GATHERING]
        )
        assert await uow.claims.set_status(
            claim.id,
            ClaimStatus.APPROVED,
            later,
            only_from=[ClaimStatus.SUBMITTED],
            amount=Decimal("12345.67"),
        )
        await uow.claims.set_details(claim.id, contributed_months=345, paid_through="2027-04")
        await uow.claims.set_details(claim.id, monthly_pension=Decimal("2818.50"), overpayment_settled=True)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.claims.get(claim.id)
        assert found is not None
        assert (found.status, found.amount, found.submitted_at, found.updated_at) == (
            ClaimStatus.APPROVED,
            Decimal("12345.67"),
            later,
            later,
        )
        assert (found.contributed_months, found.paid_through, found.monthly_pension) == (
            345,
            "2027-04",
            Decimal("2818.50"),
        )
        assert found.overpayment_settled


async def documents_are_added_replaced_and_marked_not_yet(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        claim, _ = await uow.claims.report(new_report(p["r1"], p["a1"]))
        photo = ClaimDocument(claim.id, "cremation", DocumentState.PRESENT, "f-1", FileType.PHOTO, 1000, AT)
        await uow.claims.put_document(photo, p["a1"])
        await uow.claims.put_document(
            ClaimDocument(claim.id, "burial", DocumentState.NOT_YET, at=AT), p["a1"]
        )
        pdf = ClaimDocument(claim.id, "cremation", DocumentState.PRESENT, "f-2", FileType.PDF, 2000, AT)
        await uow.claims.put_document(pdf, p["a1"])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.claims.documents(claim.id) == [
            pdf,
            ClaimDocument(claim.id, "burial", DocumentState.NOT_YET, at=AT),
        ]


async def the_queue_lists_claims_of_the_units_given(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        for n, reference in ((1, "AAAA2222"), (2, "BBBB2222"), (3, "CCCC2222")):
            claim, _ = await uow.claims.report(
                new_report(p[f"r{n}"], p[f"a{n}"], reference, AT + timedelta(hours=n))
            )
            if n != 2:
                await uow.claims.set_status(
                    claim.id,
                    ClaimStatus.SUBMITTED,
                    AT + timedelta(hours=n),
                    only_from=[ClaimStatus.GATHERING],
                )
        await uow.commit()
    async with uow_factory() as uow:
        submitted = await uow.claims.listing([p["A"], p["B"]], [ClaimStatus.SUBMITTED], 0, 10)
        assert [(i.retiree_name, i.claim.reference, i.id_masked) for i in submitted] == [
            ("R1", "AAAA2222", "2101**********0001"),
            ("R3", "CCCC2222", "2101**********0003"),
        ]
        assert [i.retiree_name for i in await uow.claims.listing([p["A"]], list(ClaimStatus), 0, 10)] == [
            "R1",
            "R2",
        ]
        since = AT + timedelta(hours=2)
        assert [
            i.retiree_name
            for i in await uow.claims.listing([p["A"], p["B"]], list(ClaimStatus), 0, 10, since)
        ] == ["R2", "R3"]
        assert await uow.claims.listing([], list(ClaimStatus), 0, 10) == []
        # The newest report first, a page at a time.
        newest = await uow.claims.listing([p["A"], p["B"]], list(ClaimStatus), 0, 2, newest_first=True)
        assert [i.retiree_name for i in newest] == ["R3", "R2"]
        rest = await uow.claims.listing([p["A"], p["B"]], list(ClaimStatus), 2, 2, newest_first=True)
        assert [i.retiree_name for i in rest] == ["R1"]
        # Untouched claims waiting for staff, once each.
        stale = await uow.claims.untouched(AT + timedelta(hours=2), 10)
        assert [i.claim.reference for i in stale] == ["AAAA2222"]
        await uow.claims.mark_escalated(stale[0].claim.id, AT)
        assert await uow.claims.untouched(AT + timedelta(hours=2), 10) == []


async def a_roster_import_does_not_undo_a_confirmed_death(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        claim, _ = await uow.claims.report(new_report(p["r1"], p["a1"]))
        await uow.claims.confirm(claim.id, p["a2"], AT)
        await uow.retirees.mark_deceased(p["r1"])
        await uow.retirees.mark_deceased(p["r2"])  # deceased by an earlier roster, no claim
        await uow.commit()
    async with uow_factory() as uow:
        for n in (1, 2):
            # The roster of before the death says alive.
            await uow.retirees.upsert(retiree_record(n, "A"))
        await uow.commit()
    async with uow_factory() as uow:
        confirmed, corrected = await uow.retirees.get(p["r1"]), await uow.retirees.get(p["r2"])
        assert confirmed is not None
        assert corrected is not None
        assert (confirmed.deceased, corrected.deceased) == (True, False)


def _message(
    key: str, account_id: int, about: int | None = None, batch_id: int | None = None
) -> OutboxMessage:
    return OutboxMessage(
        chat_id=account_id,
        account_id=account_id,
        category=MessageCategory.REMINDER,
        dedupe_key=key,
        text="…",
        about_retiree_id=about,
        batch_id=batch_id,
    )


async def messages_to_or_about_a_retiree_are_held_released_and_cancelled(
    uow_factory: UnitOfWorkFactory,
) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        await uow.outbox.enqueue(_message("own", p["a1"]))
        await uow.outbox.enqueue(_message("family", p["a2"], about=p["r1"]))
        await uow.outbox.enqueue(_message("other", p["a2"]))
        await uow.outbox.enqueue(_message("elsewhere", p["a3"], about=p["r3"]))
        assert await uow.outbox.hold_about(p["r1"], [p["a1"]]) == 2
        assert await uow.outbox.hold_about(p["r1"], [p["a1"]]) == 0
        assert await uow.outbox.release_about(p["r1"], [p["a1"]]) == 2
        assert await uow.outbox.hold_about(p["r1"], []) == 1  # no own account: what is about them
        assert await uow.outbox.cancel_held(p["r1"], [p["a1"]]) == 1
        assert await uow.outbox.release_about(p["r1"], [p["a1"]]) == 0  # cancelled for good
        await uow.commit()


async def a_held_copy_waits_in_its_batch_and_goes_with_a_cancelled_batch(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Staff see a notice's copy held for a reported death as still waiting; cancelling the notice cancels
    it too, so that a report withdrawn later releases nothing of a notice staff stopped."""
    p = await people(uow_factory)
    async with uow_factory() as uow:
        batch = await uow.outbox.create_batch("notice", "Tai chi")
        await uow.outbox.enqueue(_message("to-a1", p["a1"], batch_id=batch))
        await uow.outbox.enqueue(_message("to-a2", p["a2"], batch_id=batch))
        assert await uow.outbox.hold_about(p["r1"], [p["a1"]]) == 1
        await uow.commit()
    async with uow_factory() as uow:
        progress = await uow.outbox.batch_progress(batch)
        assert progress is not None
        assert (progress.held, progress.queued, progress.waiting, progress.total) == (1, 1, 2, 2)
        assert not progress.done
        assert await uow.outbox.cancel_batch(batch) == 2
        assert await uow.outbox.release_about(p["r1"], [p["a1"]]) == 0
        await uow.commit()
    async with uow_factory() as uow:
        stopped = await uow.outbox.batch_progress(batch)
    assert stopped is not None
    assert (stopped.cancelled, stopped.held, stopped.total) == (2, 0, 2)
    assert stopped.done


async def a_reported_death_is_kept_on_the_retiree(uow_factory: UnitOfWorkFactory) -> None:
    p = await people(uow_factory)
    async with uow_factory() as uow:
        await uow.retirees.set_death_reported(p["r1"], AT)
        await uow.commit()
    async with uow_factory() as uow:
        retiree = await uow.retirees.get(p["r1"])
        assert retiree is not None
        assert retiree.death_reported
        assert not retiree.in_campaign
        await uow.retirees.set_death_reported(p["r1"], None)
        await uow.retirees.mark_deceased(p["r2"])
        await uow.commit()
    async with uow_factory() as uow:
        r1, r2 = await uow.retirees.get(p["r1"]), await uow.retirees.get(p["r2"])
        assert r1 is not None
        assert r1.in_campaign
        assert r2 is not None
        assert r2.deceased
        assert not r2.in_campaign


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    a_second_report_of_the_same_death_finds_the_first_claim,
    confirm_and_withdraw_happen_once,
    status_moves_only_from_the_statuses_given,
    documents_are_added_replaced_and_marked_not_yet,
    the_queue_lists_claims_of_the_units_given,
    a_roster_import_does_not_undo_a_confirmed_death,
    messages_to_or_about_a_retiree_are_held_released_and_cancelled,
    a_held_copy_waits_in_its_batch_and_goes_with_a_cancelled_batch,
    a_reported_death_is_kept_on_the_retiree,
)
