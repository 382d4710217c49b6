"""A death-benefit claim end to end, through each framework against the emulator, the outbox delivered: a
family member reports the death (a reminder to the retiree is held), shares their number, sends documents
(a sticker, a Word file and a file over 20 MB are answered clearly), submits; staff open the queue, confirm
the death (the held reminder is cancelled) and approve with a typed amount; the family is told. Two
relatives pressing Send at once make one claim and hear one reference; a mistaken report withdrawn releases
what was held and the retiree is back in the campaign."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain.claims import ClaimStatus, ReportStatus, spoken_reference
from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.domain.people import AccountRole, StaffRole
from bot.emulator import Emulator
from storage.models import ClaimRow, OutboxRow
from tests.fakes import FakeClock
from tests.integration.certification_support import (
    CampaignBot,
    campaign_bot,
    certification_database,
    id_hash,
    local,
    roster,
)

FRAMEWORKS = ["aiogram", "ptb"]
STREET = "21010101"
RETIREE = "王秀英"
RETIREE_USER, FAMILY_USER, STAFF_USER = 6001, 6101, 6201
DAUGHTER_USER = 6102
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def last_text(bot: CampaignBot, user: int) -> str:
    return "\n".join(m.text for m in bot.emu.messages(user)[-3:] if m.from_bot)


async def setup(bot: CampaignBot) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with bot.database.uow() as uow:
        street = await uow.units.get_by_code(STREET)
        retiree = await uow.retirees.find_by_id_hash(id_hash(roster()[RETIREE][0]))
        assert street is not None
        assert retiree is not None
        ids["retiree"] = retiree.id
        own = await uow.accounts.get_or_create(RETIREE_USER, RETIREE_USER, "en")
        await uow.accounts.set_role(own.id, AccountRole.RETIREE, retiree.id)
        family = await uow.accounts.get_or_create(FAMILY_USER, FAMILY_USER, "en")
        await uow.accounts.set_role(family.id, AccountRole.FAMILY)
        await uow.family.link(family.id, retiree.id, "son")
        staff = await uow.accounts.get_or_create(STAFF_USER, STAFF_USER, "en")
        await uow.accounts.set_role(staff.id, AccountRole.STAFF)
        await uow.staff.add_membership(staff.id, street.id, StaffRole.STAFF)
        # A reminder to the retiree, waiting in the outbox when the death is reported.
        await uow.outbox.enqueue(
            OutboxMessage(
                chat_id=RETIREE_USER,
                account_id=own.id,
                category=MessageCategory.REMINDER,
                dedupe_key="test-reminder",
                text="reminder",
                not_before=local(2027, 3, 2, 9, 0),
            )
        )
        await uow.commit()
    for user in (RETIREE_USER, FAMILY_USER, STAFF_USER):
        bot.emu.open_chat(user)
    return ids


async def sends(bot: CampaignBot, user: int, **document: object) -> None:
    start = len(bot.emu.calls)
    if document:
        await bot.emu.send_document(user, **document)  # type: ignore[arg-type]
    else:
        await bot.emu.send_photo(user)
    await bot.emu.wait_for(
        lambda: any(c.chat_id == user and c.method == "sendMessage" for c in bot.emu.calls[start:]), timeout=5
    )
    await bot.transport.join()


async def reminder_status(bot: CampaignBot) -> str:
    async with bot.database.session() as session:
        row = await session.scalar(select(OutboxRow).where(OutboxRow.dedupe_key == "test-reminder"))
    assert row is not None
    return row.status


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_claim_from_report_to_approval(
    framework: str, emulator: Emulator, tmp_path: Path, template_db: Path
) -> None:
    clock = FakeClock(local(2027, 3, 1, 10, 0))
    async with (
        certification_database("sqlite", tmp_path, template_db) as database,
        campaign_bot(framework, emulator, database, clock) as bot,
    ):
        ids = await setup(bot)
        f = FAMILY_USER
        await bot.says(f, "🕯 Death-benefit claim")
        assert "sorry for your loss" in await last_text(bot, f)
        await bot.says(f, "2099-01-01")
        assert "has not come yet" in await last_text(bot, f)
        await bot.says(f, "1900-01-01")
        assert "before" in await last_text(bot, f)
        await bot.says(f, "sometime")
        assert "could not read that day" in await last_text(bot, f)
        await bot.says(f, "2027-02-26")
        await bot.says(f, "Son")
        await bot.emu.send_contact(f, "+8613800138000")
        await bot.transport.join()
        await bot.emu.wait_quiet(f, None, 5)
        await bot.says(f, "Yes, me")
        await bot.says(f, "✅ Send")
        assert await reminder_status(bot) == OutboxStatus.HELD.value
        await bot.says(f, "⬜ Cremation certificate")
        await bot.emu.send_sticker(f)
        await bot.transport.join()
        await sends(bot, f, file_name="证明.docx", mime_type=WORD)
        assert "not a PDF" in await last_text(bot, f)
        await sends(bot, f, content=b"%PDF" + b"0" * (20 * 1024 * 1024 + 1))
        assert "too big" in await last_text(bot, f)
        await sends(bot, f)
        await bot.says(f, "📋 Review and submit")
        await bot.says(f, "✅ Submit the claim")
        assert "reference number" in await last_text(bot, f)

        s = STAFF_USER
        await bot.says(s, "🕯 Claim reviews")
        await bot.presses_labelled(s, RETIREE)
        assert "13800138000" in await last_text(bot, s)
        await bot.presses_labelled(s, "Confirm the death")
        await bot.presses_labelled(s, "Yes, confirm the death")
        assert await reminder_status(bot) == OutboxStatus.CANCELLED.value
        await bot.presses_labelled(s, "Approve with an amount")
        await bot.says(s, "5,637.00元")
        assert "CNY 5637.00" in await last_text(bot, s)
        async with bot.database.uow() as uow:
            claim = await uow.claims.for_retiree(ids["retiree"])
        assert claim is not None
        assert (claim.report_status, claim.status) == (ReportStatus.CONFIRMED, ClaimStatus.APPROVED)

        await bot.deliver()
        await bot.emu.wait_for(
            lambda: any("approved" in m.text for m in bot.emu.messages(f) if m.from_bot), timeout=10
        )
        assert not any(m.text == "reminder" for m in bot.emu.messages(RETIREE_USER))


async def add_relative(bot: CampaignBot, user: int, retiree_id: int, relation: str) -> None:
    async with bot.database.uow() as uow:
        account = await uow.accounts.get_or_create(user, user, "en")
        await uow.accounts.set_role(account.id, AccountRole.FAMILY)
        await uow.family.link(account.id, retiree_id, relation)
        await uow.commit()
    bot.emu.open_chat(user)


async def reports_until_send(bot: CampaignBot, user: int, relation: str) -> None:
    for said in ("🕯 Death-benefit claim", "2027-02-26", relation, "13800138000", "Yes, me"):
        await bot.says(user, said)
    assert "Press “Send”" in await last_text(bot, user)


async def all_say_at_once(bot: CampaignBot, users: tuple[int, ...], text: str) -> None:
    """Every user sends `text` before the bot answers any; returns when each chat has its answer."""
    before = {user: len(bot.emu.messages(user)) for user in users}
    for user in users:
        await bot.emu.send_text(user, text, language_code="en")
    await bot.emu.wait_for(lambda: all(len(bot.emu.messages(u)) > before[u] for u in users), timeout=10)
    await bot.transport.join()
    for user in users:
        await bot.emu.wait_quiet(user, None, 5)


def reference_in(text: str) -> str:
    found = re.search(r"reference number is (?:<b>)?([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})", text)
    assert found, text
    return found.group(1)


async def claim_rows(bot: CampaignBot, retiree_id: int) -> int:
    async with bot.database.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(ClaimRow).where(ClaimRow.retiree_id == retiree_id)
        )
    return int(count or 0)


async def staff_told(bot: CampaignBot, prefix: str) -> list[str]:
    async with bot.database.session() as session:
        keys = await session.scalars(select(OutboxRow.dedupe_key).where(OutboxRow.dedupe_key.like(prefix)))
    return list(keys)


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_two_relatives_pressing_send_at_once_make_one_claim_with_one_reference(
    framework: str, emulator: Emulator, tmp_path: Path, template_db: Path
) -> None:
    clock = FakeClock(local(2027, 3, 1, 10, 0))
    async with (
        certification_database("sqlite", tmp_path, template_db) as database,
        campaign_bot(framework, emulator, database, clock) as bot,
    ):
        ids = await setup(bot)
        await add_relative(bot, DAUGHTER_USER, ids["retiree"], "daughter")
        await reports_until_send(bot, FAMILY_USER, "Son")
        await reports_until_send(bot, DAUGHTER_USER, "Daughter")

        await all_say_at_once(bot, (FAMILY_USER, DAUGHTER_USER), "✅ Send")
        assert await claim_rows(bot, ids["retiree"]) == 1
        answers = [await last_text(bot, user) for user in (FAMILY_USER, DAUGHTER_USER)]
        assert sum("The community office has been told" in a for a in answers) == 1
        assert sum("A relative has already told us" in a for a in answers) == 1
        assert len(await staff_told(bot, "claim-staff:%:reported:%")) == 1
        assert await reminder_status(bot) == OutboxStatus.HELD.value

        for user in (FAMILY_USER, DAUGHTER_USER):
            await bot.says(user, "📋 Review and submit")
        await all_say_at_once(bot, (FAMILY_USER, DAUGHTER_USER), "✅ Submit the claim")
        son, daughter = [reference_in(await last_text(bot, u)) for u in (FAMILY_USER, DAUGHTER_USER)]
        async with bot.database.uow() as uow:
            claim = await uow.claims.for_retiree(ids["retiree"])
        assert claim is not None
        assert son == daughter == spoken_reference(claim.reference)
        assert claim.status is ClaimStatus.SUBMITTED
        assert len(await staff_told(bot, "claim-staff:%:submitted:%")) == 1


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_staff_withdraw_a_mistaken_report_and_the_held_reminder_goes_out_and_the_campaign_resumes(
    framework: str, emulator: Emulator, tmp_path: Path, template_db: Path
) -> None:
    clock = FakeClock(local(2027, 2, 27, 10, 0))
    async with (
        certification_database("sqlite", tmp_path, template_db) as database,
        campaign_bot(framework, emulator, database, clock) as bot,
    ):
        ids = await setup(bot)
        f, s, r = FAMILY_USER, STAFF_USER, RETIREE_USER
        await reports_until_send(bot, f, "Son")
        await bot.says(f, "✅ Send")
        assert await reminder_status(bot) == OutboxStatus.HELD.value

        # The campaign opens while the report stands: nothing for the retiree.
        await bot.tick(local(2027, 3, 1, 9, 30))
        assert not any(m.from_bot for m in bot.emu.messages(r))

        await bot.says(s, "🕯 Claim reviews")
        await bot.presses_labelled(s, RETIREE)
        await bot.presses_labelled(s, "Withdraw: reported by mistake")
        assert "Withdraw the report about" in await last_text(bot, s)
        await bot.presses_labelled(s, "Yes, withdraw the report")
        assert "was a mistake" in await last_text(bot, s)
        async with bot.database.uow() as uow:
            claim = await uow.claims.for_retiree(ids["retiree"])
            retiree = await uow.retirees.get(ids["retiree"])
        assert claim is not None
        assert retiree is not None
        assert claim.report_status is ReportStatus.WITHDRAWN
        assert not retiree.death_reported
        assert not retiree.deceased
        assert await reminder_status(bot) == OutboxStatus.QUEUED.value

        # The next tick counts the retiree again, and the held reminder goes out when due.
        await bot.tick(local(2027, 3, 2, 9, 30))
        await bot.emu.wait_for(lambda: any(m.text == "reminder" for m in bot.emu.messages(r)), timeout=10)
        assert await reminder_status(bot) == OutboxStatus.SENT.value
        assert len([m for m in bot.emu.messages(r) if m.from_bot]) >= 2  # and the campaign's own reminder
