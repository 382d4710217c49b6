"""Staff's certification tools: counts, photo review with reasons, paged lists and cards, exports; only
retirees of their own unit subtree, and every action in the audit log."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.actions import EditText, InlineKeyboard, SendDocument, SendFile
from bot.domain.certification import CertStatus
from bot.domain.people import UnitKind
from bot.events import EventKind
from bot.flows import buttons
from bot.flows.staff_certification import (
    EXPORT_CSV,
    EXPORT_XLSX,
    LIST_PENDING,
    LIST_SELF,
    PAGE,
    REVIEW,
)
from bot.regions import PROFILES_DIR
from bot.services import certification_profile, documents
from bot.services.certification_messages import I_HAVE_CERTIFIED, SEND_PHOTO
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_NAME, Chat, World, at_step, make_id, registered_retiree

ZH = shared_i18n().translator("zh_Hans")
CYCLE = "2025"


def zh(message: str) -> str:
    return ZH.gettext(message)


async def staff_tools(world: World) -> Chat:
    staff = await at_step(world, "menu/staff")
    await staff.say(zh(buttons.STAFF_CERTIFICATION))
    return staff


async def photo_from_retiree(world: World) -> Chat:
    retiree = await registered_retiree(world, user_id=601)
    await retiree.say(zh(buttons.CERTIFICATION))
    await retiree.say(zh(SEND_PHOTO))
    await retiree.send_media(EventKind.PHOTO)
    return retiree


def inline(chat: Chat) -> InlineKeyboard:
    """The buttons under the photo sent for review."""
    found = [
        a.keyboard for a in chat.last if isinstance(a, SendFile) and isinstance(a.keyboard, InlineKeyboard)
    ]
    assert found, chat.last
    keyboard = found[-1]
    assert isinstance(keyboard, InlineKeyboard)
    return keyboard


async def test_staff_see_counts_for_their_units(world: World) -> None:
    world.add_retiree("李四", make_id(sequence=7))
    staff = await staff_tools(world)
    assert "2025年度认证" in staff.text
    assert "尚未认证：2人" in staff.text
    assert zh(REVIEW) in staff.buttons


async def test_staff_approve_a_photo_and_the_retiree_is_told(world: World) -> None:
    staff = await staff_tools(world)
    await photo_from_retiree(world)
    # The community's staff hear of the photo through the outbox.
    assert [m.account_id for k, m in world.db.state.outbox.items() if k.startswith("cert-staff:sub:")] == [
        staff.account.id
    ]
    await staff.say(zh(REVIEW))
    (photo,) = [a for a in staff.last if isinstance(a, SendFile)]
    assert (photo.kind, photo.file_id) == ("photo", "file-1")
    assert photo.caption is not None
    assert ROSTER_NAME in photo.caption
    approve = inline(staff).rows[0][0].callback_data
    await staff.press(approve)
    assert f"已通过：{ROSTER_NAME}认证完成。" in staff.text
    retiree_id = next(r.id for r in world.db.state.retirees.values() if r.name == ROSTER_NAME)
    assert world.db.state.certifications[(retiree_id, CYCLE)].record.status is CertStatus.CERTIFIED
    results = [m for k, m in world.db.state.outbox.items() if k.startswith("cert-result:")]
    assert [m.text and "认证完成" in m.text for m in results] == [True]
    assert "certification.approved" in [a["action"] for a in world.db.state.audit]
    # A second press (another staff member, or a double tap) changes nothing.
    await staff.press(approve)
    assert "这张照片已有人审核过" in staff.text


async def test_staff_reject_with_a_reason_the_retiree_reads(world: World) -> None:
    await photo_from_retiree(world)
    staff = await staff_tools(world)
    await staff.say(zh(REVIEW))
    await staff.press(inline(staff).rows[1][0].callback_data)
    keyboard = staff.inline_keyboard
    no_id = next(row[0].callback_data for row in keyboard.rows if row[0].callback_data.endswith(":n"))
    await staff.press(no_id)
    (edited,) = [a for a in staff.last if isinstance(a, EditText)]
    assert "已退回（看不清身份证）" in edited.text
    (result,) = [m for k, m in world.db.state.outbox.items() if k.startswith("cert-result:")]
    assert result.text is not None
    assert "原因：看不清身份证" in result.text


async def test_lists_page_and_a_card_records_an_in_person_certification(world: World) -> None:
    for n in range(PAGE + 2):
        world.add_retiree(f"王{n:02d}", make_id(sequence=10 + n))
    staff = await staff_tools(world)
    await staff.say(zh(LIST_PENDING))
    first = staff.inline_keyboard
    # Ten new names and the staff member's own test roster entry 张伟, by name.
    assert "第1–8人，共11人" in staff.text
    names = [row[0].text for row in first.rows[:-1]]
    assert names[:2] == ["1. 张伟", "2. 王00"]
    await staff.press(first.rows[-1][-1].callback_data)  # next page, edited in place
    (page_two,) = [a for a in staff.last if isinstance(a, EditText)]
    assert "第9–11人，共11人" in page_two.text
    await staff.press(first.rows[1][0].callback_data)  # the card of 王00
    assert "王00" in staff.text
    in_person = staff.inline_keyboard.rows[0][0].callback_data
    await staff.press(in_person)
    (recorded,) = [a for a in staff.last if isinstance(a, EditText)]
    assert "已登记：王00认证完成（现场认证）。" in recorded.text
    assert "certification.recorded" in [a["action"] for a in world.db.state.audit]


async def test_staff_confirm_a_self_report(world: World) -> None:
    retiree = await registered_retiree(world, user_id=601)
    await retiree.say(zh(buttons.CERTIFICATION))
    await retiree.say(zh(I_HAVE_CERTIFIED))
    staff = await staff_tools(world)
    await staff.say(zh(LIST_SELF))
    await staff.press(staff.inline_keyboard.rows[0][0].callback_data)
    confirm = staff.inline_keyboard.rows[0][0]
    assert confirm.text == "✔ 确认：已认证"
    await staff.press(confirm.callback_data)
    retiree_id = next(r.id for r in world.db.state.retirees.values() if r.name == ROSTER_NAME)
    record = world.db.state.certifications[(retiree_id, CYCLE)].record
    assert record.status is CertStatus.CERTIFIED
    assert record.method is not None
    assert record.method.value == "self_report"


def _sent(document: SendDocument) -> bytes:
    """What the adapter would upload; the temporary file is then gone, as after a real send."""
    assert isinstance(document.content, Path)
    content = document.content.read_bytes()
    document.discard()
    assert not document.content.exists()
    return content


async def test_exports_are_documents_of_the_units_retirees(world: World) -> None:
    staff = await staff_tools(world)
    await staff.say(zh(EXPORT_CSV))
    (csv_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    assert csv_file.filename == "certification-2025.csv"
    text = _sent(csv_file).decode("utf-8")
    assert text.startswith("\ufeff姓名,身份证号（部分隐藏）,社区")
    assert f"{ROSTER_NAME},2101**********123X,幸福社区,尚未认证" in text
    assert "210102195005171" not in text  # never the full ID number
    await staff.say(zh(EXPORT_XLSX))
    (xlsx_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    sheet = load_workbook(io.BytesIO(_sent(xlsx_file))).worksheets[0]
    assert [c.value for c in sheet[2]][:2] == [ROSTER_NAME, "2101**********123X"]
    assert [a["action"] for a in world.db.state.audit].count("certification.exported") == 2


async def test_staff_of_another_community_see_nobody_and_cannot_act(world: World) -> None:
    await photo_from_retiree(world)
    other = world.db.add_unit("C002", "别的社区", UnitKind.COMMUNITY)
    world.community = other  # the invite of at_step is for this community
    staff = await staff_tools(world)
    assert "待审核照片：0张" in staff.text
    submission = next(iter(world.db.state.submissions.values()))
    await staff.press(f"v1:cs:a:{submission.id}")
    assert staff.answered
    assert submission.status.value == "waiting"


async def test_retirees_cannot_press_staff_buttons(world: World) -> None:
    retiree = await photo_from_retiree(world)
    submission = next(iter(world.db.state.submissions.values()))
    await retiree.press(f"v1:cs:a:{submission.id}")
    assert next(iter(world.db.state.submissions.values())).status.value == "waiting"


async def test_in_rolling_mode_staff_see_who_is_due_now() -> None:
    world = World(certification_profile.load_profile(PROFILES_DIR / "rolling-example.yaml"))
    # The roster's retiree is due by 31 May (reminders from 1 April); this one by 31 March (from 30 January).
    world.add_retiree("李四", make_id(date(1950, 3, 2), sequence=7))
    staff = await staff_tools(world)
    assert "滚动认证（截至2025-03-01）" in staff.text
    assert "尚未认证：1人" in staff.text

    await staff.say(zh(EXPORT_CSV))
    (csv_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    assert csv_file.filename == "certification-2025-03-01.csv"
    text = _sent(csv_file).decode("utf-8")
    assert "李四" in text
    assert ROSTER_NAME not in text


async def test_an_export_above_telegrams_limit_is_sent_zipped(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(60):
        world.add_retiree(f"退休人员{n}", make_id(sequence=200 + n))
    monkeypatch.setattr(documents, "DOCUMENT_LIMIT_BYTES", 2000)  # the CSV is larger, its ZIP smaller
    staff = await staff_tools(world)
    await staff.say(zh(EXPORT_CSV))
    (zipped,) = [a for a in staff.last if isinstance(a, SendDocument)]
    assert zipped.filename == "certification-2025.csv.zip"
    assert zipped.caption is not None
    assert "ZIP" in zipped.caption
    with zipfile.ZipFile(io.BytesIO(_sent(zipped))) as archive:
        assert ROSTER_NAME in archive.read("certification-2025.csv").decode("utf-8-sig")


async def test_an_export_too_large_even_zipped_says_what_to_do(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "DOCUMENT_LIMIT_BYTES", 10)
    staff = await staff_tools(world)
    await staff.say(zh(EXPORT_XLSX))
    assert not [a for a in staff.last if isinstance(a, SendDocument)]
    assert "太大" in staff.text
    assert "retiree-bot cert export" in staff.text
    assert [a["action"] for a in world.db.state.audit].count("certification.exported") == 1
