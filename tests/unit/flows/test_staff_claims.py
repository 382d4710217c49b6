"""Staff's claim reviews over the fakes: the queue of their subtree, a claim's card and documents, the
decisions (each told to the family and audited), exports; nothing of another unit's claims, even by forged
callback data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from bot.actions import Button, EditText, InlineKeyboard, SendDocument, SendFile, SendText
from bot.callbacks import ClaimButton
from bot.domain.claims import ClaimStatus, NewReport, ReportStatus
from bot.domain.outbox import OutboxStatus
from bot.domain.people import StaffRole, UnitKind
from bot.events import EventKind
from bot.flows import buttons
from bot.flows import death_report as family_flow
from bot.flows import staff_claims as flow
from bot.services.staff_invites import create_invite
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_NAME, Chat, World, make_id
from tests.unit.flows.test_death_report import reported

ZH = shared_i18n().translator("zh_Hans")


def zh(message: str) -> str:
    return ZH.gettext(message)


async def staff_of(world: World, code: str | None = None, user_id: int = 701) -> Chat:
    token = await create_invite(world.db.uow, code or world.community.code, StaffRole.STAFF, world.clock)
    chat = world.chat(user_id)
    await chat.command("start", token)
    return chat


async def submitted(world: World) -> Chat:
    family = await reported(world)
    await family.say("⬜ 火化证明")
    await family.send_media(EventKind.PHOTO)
    await family.say(zh(family_flow.REVIEW))
    await family.say(zh(family_flow.SUBMIT))
    return family


def keyboard(chat: Chat) -> InlineKeyboard:
    boards = [
        a.keyboard
        for a in chat.last
        if isinstance(a, SendText | EditText) and isinstance(a.keyboard, InlineKeyboard)
    ]
    assert boards, chat.last
    board = boards[-1]
    assert isinstance(board, InlineKeyboard)
    return board


def button(chat: Chat, label: str) -> Button:
    found = [b for row in keyboard(chat).rows for b in row if label in b.text]
    assert found, (label, keyboard(chat))
    return found[0]


def shown(chat: Chat) -> str:
    return "\n".join(a.text for a in chat.last if isinstance(a, SendText | EditText))


def claim_id(world: World) -> int:
    (claim,) = world.db.state.claims.values()
    return claim.id


def family_notices(world: World) -> list[str]:
    return [str(m.context.get("status")) for k, m in world.db.state.outbox.items() if k.startswith("claim:")]


async def test_the_queue_lists_the_claim_and_the_card_shows_it_all(world: World) -> None:
    await submitted(world)
    staff = await staff_of(world)
    await staff.say(zh(buttons.STAFF_CLAIMS))
    assert staff.state is not None
    assert (staff.state.flow, staff.state.step) == ("staff_claims", "menu")
    assert ROSTER_NAME in shown(staff)
    assert zh(flow.NEWEST_FIRST) in staff.buttons
    await staff.press(button(staff, ROSTER_NAME).callback_data)
    card = shown(staff)
    for part in (
        ROSTER_NAME,
        "2101**********123X",
        "2027-02-26",
        "13800000000",
        "✅ 火化证明",
        "⬜ 安葬证明",
    ):
        assert part in card
    (claim,) = world.db.state.claims.values()
    assert f"{claim.reference[:4]}-{claim.reference[4:]}" in card
    await staff.press(button(staff, "火化证明").callback_data)
    (photo,) = [a for a in staff.last if isinstance(a, SendFile)]
    assert (photo.kind, photo.file_id) == ("photo", "file-1")


async def test_confirm_then_approve_with_a_typed_amount_and_mark_paid(world: World) -> None:
    family = await submitted(world)
    staff = await staff_of(world)
    await staff.press(ClaimButton("o", claim_id(world)).pack())
    await staff.press(button(staff, zh(flow.CONFIRM)).callback_data)
    assert zh(flow.SURE_CONFIRM) % {"name": ROSTER_NAME} in shown(staff)
    await staff.press(button(staff, zh(flow.YES_CONFIRM)).callback_data)
    (claim,) = world.db.state.claims.values()
    assert claim.report_status is ReportStatus.CONFIRMED
    assert world.db.state.retirees[claim.retiree_id].deceased
    await staff.press(button(staff, zh(flow.APPROVE)).callback_data)
    assert staff.state is not None
    assert staff.state.step == "amount"
    await staff.say("五千")
    assert zh(flow.BAD_AMOUNT) in staff.text
    await staff.say("5,637.00元")
    (claim,) = world.db.state.claims.values()
    assert (claim.status, claim.amount) == (ClaimStatus.APPROVED, Decimal("5637.00"))
    assert "5637.00" in staff.text
    assert staff.state is not None
    assert staff.state.step == "menu"
    assert family_notices(world) == ["approved"]
    await staff.press(button(staff, zh(flow.MARK_PAID)).callback_data)
    (claim,) = world.db.state.claims.values()
    assert claim.status is ClaimStatus.PAID
    assert family_notices(world) == ["approved", "paid"]
    # The family sees it from the menu too.
    await family.say(zh(buttons.DEATH_BENEFIT))
    assert zh(family_flow.STATUS_WORDS[ClaimStatus.PAID]) in family.text
    actions = [a["action"] for a in world.db.state.audit]
    for done in ("death.confirmed", "claim.approve", "claim.paid", "claim.document"):
        assert done in actions


async def test_ask_for_documents_and_return_take_typed_words(world: World) -> None:
    await submitted(world)
    staff = await staff_of(world)
    await staff.press(ClaimButton("v", claim_id(world)).pack())
    (claim,) = world.db.state.claims.values()
    assert claim.status is ClaimStatus.UNDER_REVIEW
    await staff.press(ClaimButton("m", claim_id(world)).pack())
    await staff.say("请补交火化证明原件照片")
    (claim,) = world.db.state.claims.values()
    assert (claim.status, claim.note) == (ClaimStatus.DOCUMENTS_MISSING, "请补交火化证明原件照片")
    await staff.press(ClaimButton("r", claim_id(world)).pack())
    await staff.say(zh(buttons.BACK))
    assert staff.state is not None
    assert staff.state.step == "menu"
    await staff.press(ClaimButton("r", claim_id(world)).pack())
    await staff.say("不符合条件")
    (claim,) = world.db.state.claims.values()
    assert (claim.status, claim.note) == (ClaimStatus.RETURNED, "不符合条件")
    assert family_notices(world) == ["under_review", "documents_missing", "returned"]
    # A decision on a claim that has moved on changes nothing.
    await staff.press(ClaimButton("a", claim_id(world)).pack())
    assert zh(flow.TOO_LATE) in shown(staff)


async def test_withdrawing_a_mistaken_report_releases_what_was_held(world: World) -> None:
    await reported(world)
    staff = await staff_of(world)
    await staff.press(ClaimButton("w", claim_id(world)).pack())
    await staff.press(ClaimButton("W", claim_id(world)).pack())
    (claim,) = world.db.state.claims.values()
    assert claim.report_status is ReportStatus.WITHDRAWN
    assert not world.db.state.retirees[claim.retiree_id].death_reported
    assert zh(flow.WITHDRAWN) % {"name": ROSTER_NAME} in shown(staff)
    assert not [s for s in world.db.state.outbox_status.values() if s is OutboxStatus.CANCELLED]


async def test_newest_first_and_pages(world: World) -> None:
    world.clock._now = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    staff = await staff_of(world)
    for n in range(flow.PAGE + 2):
        retiree_id = world.add_retiree(f"退休{n:02d}", make_id(sequence=200 + n))
        async with world.db.uow() as uow:
            await uow.claims.report(
                NewReport(
                    retiree_id,
                    world.clock._now.date(),
                    staff.account.id,
                    "son",
                    None,
                    True,
                    f"REF{n:05d}",
                    world.clock._now.replace(minute=n),
                )
            )
            await uow.commit()
    await staff.say(zh(buttons.STAFF_CLAIMS))
    assert "退休00" in shown(staff)
    assert "退休09" not in shown(staff)
    await staff.press(button(staff, zh(flow.NEXT)).callback_data)
    assert "退休09" in shown(staff)
    await staff.say(zh(flow.NEWEST_FIRST))
    assert shown(staff).index("退休09") < shown(staff).index("退休08")


async def test_staff_of_another_unit_cannot_see_or_act_even_by_forged_buttons(world: World) -> None:
    await submitted(world)
    world.db.add_unit("C002", "别的社区", UnitKind.COMMUNITY)
    stranger = await staff_of(world, "C002")
    await stranger.say(zh(buttons.STAFF_CLAIMS))
    assert ROSTER_NAME not in shown(stranger)
    for action in ("o", "c", "C", "W", "v", "a", "p"):
        await stranger.press(ClaimButton(action, claim_id(world)).pack())
        assert stranger.answered
        assert ROSTER_NAME not in shown(stranger)
    await stranger.press(ClaimButton("d", claim_id(world), "0").pack())
    assert not [a for a in stranger.last if isinstance(a, SendFile)]
    (claim,) = world.db.state.claims.values()
    assert (claim.report_status, claim.status) == (ReportStatus.REPORTED, ClaimStatus.SUBMITTED)


async def test_families_cannot_press_staff_buttons(world: World) -> None:
    family = await submitted(world)
    await family.press(ClaimButton("C", claim_id(world)).pack())
    (claim,) = world.db.state.claims.values()
    assert claim.report_status is ReportStatus.REPORTED


async def test_exports_by_period_and_status_show_masked_ids_only(world: World) -> None:
    await submitted(world)
    staff = await staff_of(world)
    await staff.say(zh(buttons.STAFF_CLAIMS))
    await staff.say(zh(flow.EXPORT_CSV))
    await staff.say(zh(flow.THIS_MONTH))
    await staff.say(zh(flow.ALL_STATUSES))
    (csv_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    text = _content(csv_file).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1:3] == [ROSTER_NAME, "2101**********123X"]
    assert ROSTER_NAME in text
    assert "13800000000" not in text
    await staff.say(zh(flow.EXPORT_XLSX))
    await staff.say(zh(flow.LAST_MONTH))
    await staff.say(zh(flow.ALL_STATUSES))
    (xlsx_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    sheet = load_workbook(io.BytesIO(_content(xlsx_file))).worksheets[0]
    assert sheet.max_row == 1  # reported this month, not last
    await staff.say(zh(flow.EXPORT_CSV))
    await staff.say(zh(flow.EVERYTHING))
    await staff.say(zh(flow.PAID_WORDS))
    (csv_file,) = [a for a in staff.last if isinstance(a, SendDocument)]
    assert len(_content(csv_file).decode("utf-8-sig").strip().splitlines()) == 1
    assert [a["action"] for a in world.db.state.audit].count("claims.exported") == 3


def test_period_bounds() -> None:
    assert flow.period_bounds(flow.LAST_MONTH, date(2027, 1, 15)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert flow.period_bounds(flow.THIS_YEAR, date(2027, 5, 15)) == (date(2027, 1, 1), None)
    assert flow.period_bounds(flow.EVERYTHING, date(2027, 5, 15)) == (None, None)


def _content(document: SendDocument) -> bytes:
    """The file as the adapter would upload it: its bytes, or read from the temporary file."""
    return document.content if isinstance(document.content, bytes) else document.content.read_bytes()
