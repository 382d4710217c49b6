"""Staff's certification tools through both frameworks: a video to review (sendVideo with its buttons) and
an export uploaded as a document (sendDocument), with the same Bot API calls from aiogram and PTB."""

from __future__ import annotations

from bot.domain.people import AccountRole, StaffRole
from tests.integration.certification_support import id_hash, roster
from tests.integration.conftest import BotApp

STAFF = 7301
RETIREE = 7302
STREET = "21010101"


async def _people(app: BotApp) -> None:
    name = "王秀英"
    async with app.database.uow() as uow:
        street = await uow.units.get_by_code(STREET)
        retiree = await uow.retirees.find_by_id_hash(id_hash(roster()[name][0]))
        assert street is not None
        assert retiree is not None
        staff = await uow.accounts.get_or_create(STAFF, STAFF, "en")
        await uow.accounts.set_role(staff.id, AccountRole.STAFF)
        await uow.staff.add_membership(staff.id, street.id, StaffRole.SUPERVISOR)
        own = await uow.accounts.get_or_create(RETIREE, RETIREE, "en")
        await uow.accounts.set_role(own.id, AccountRole.RETIREE, retiree.id)
        await uow.commit()


async def test_a_video_is_reviewed_and_the_lists_export_as_documents(bot_app: BotApp) -> None:
    await _people(bot_app)
    emu = bot_app.emu
    await bot_app.says(RETIREE, "✅ Certification")
    await bot_app.says(RETIREE, "📷 Send my photo to certify")
    start = len(emu.calls)
    await emu.send_video(RETIREE)
    await emu.wait_for(lambda: any(c.chat_id == RETIREE for c in emu.calls[start:]))
    await emu.wait_quiet(RETIREE, None, 5)

    await bot_app.says(STAFF, "✅ Certification tasks")
    review = await bot_app.says(STAFF, "📷 Review photos")
    (video,) = [c for c in review if c.method == "sendVideo"]
    assert video.ok, video.error
    buttons = [b["text"] for row in emu.messages(STAFF)[-1].inline_buttons for b in row]
    assert buttons == ["✅ Approve", "❌ Reject"]

    for label, filename in (("📤 Export CSV", "certification-"), ("📤 Export XLSX", "certification-")):
        calls = await bot_app.says(STAFF, label)
        (document,) = [c for c in calls if c.method == "sendDocument"]
        assert document.ok, document.error
        sent = emu.messages(STAFF)[-1]
        assert sent.kind == "document"
        assert (sent.file_name or "").startswith(filename)
        stored = emu.world.files[sent.file_id or ""]
        if label.endswith("CSV"):
            assert "王秀英" in stored.content.decode("utf-8-sig")
        else:
            assert stored.content.startswith(b"PK")
