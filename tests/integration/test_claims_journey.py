"""A death-benefit claim end to end, through each framework against the emulator, the outbox delivered: a
family member reports the death (a reminder to the retiree is held), shares their number, sends documents
(a sticker, a Word file and a file over 20 MB are answered clearly), submits; staff open the queue, confirm
the death (the held reminder is cancelled) and approve with a typed amount; the family is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.claims import ClaimStatus, ReportStatus
from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.domain.people import AccountRole, StaffRole
from bot.emulator import Emulator
from storage.models import OutboxRow
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
