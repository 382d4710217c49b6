"""Reporting a death and making the claim, as a family member does it, over the fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import BotCore
from bot.domain.claims import ClaimStatus, DocumentState, FileType, ReportStatus
from bot.domain.outbox import MessageCategory, OutboxStatus
from bot.events import EventKind
from bot.flows import buttons
from bot.flows import death_report as flow
from bot.services import claims as claims_service
from tests.parts import shared_i18n, shared_knowledge
from tests.unit.chat import ID_KEY, ROSTER_NAME, Chat, World, at_step

ZH = shared_i18n().translator("zh_Hans")


async def family(world: World) -> Chat:
    world.clock._now = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    chat = await at_step(world, "family_registration/relation")
    await chat.say(ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))]))
    assert chat.state is None
    return chat


async def reported(world: World) -> Chat:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("2027年2月26日")
    await chat.say(ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))]))
    await chat.say("138 0000 0000")
    await chat.say(ZH.gettext(flow.YES))
    await chat.say(ZH.gettext(flow.SEND))
    return chat


async def test_the_button_starts_with_condolence_and_asks_the_date(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    assert ZH.gettext(flow.CONDOLENCE) in chat.text
    assert chat.state is not None
    assert chat.state.step == "date"
    assert ZH.gettext(buttons.BACK) in chat.buttons
    assert ZH.gettext(buttons.ASK_PERSON) in chat.buttons


async def test_bad_and_impossible_dates_are_answered_clearly(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("上个礼拜吧")
    assert ZH.gettext(flow.BAD_DATE) in chat.text
    await chat.say("2027-12-01")
    assert ZH.gettext(flow.FUTURE_DATE) in chat.text
    await chat.say("2001-01-01")
    assert ZH.gettext(flow.BEFORE_RETIREMENT) % {"name": ROSTER_NAME} in chat.text
    await chat.say("昨天")
    assert chat.state is not None
    assert (chat.state.step, chat.state.data["died_on"]) == ("relation", "2027-02-28")


async def test_nothing_is_saved_until_the_report_is_sent_and_cancel_leaves(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("2027-02-26")
    await chat.say(ZH.gettext(buttons.BACK))
    assert chat.state is not None
    assert chat.state.step == "date"
    await chat.command("cancel")
    assert chat.state is None
    assert world.db.state.claims == {}


async def test_a_report_holds_reminders_and_leads_to_the_documents(world: World) -> None:
    chat = await reported(world)
    (claim,) = world.db.state.claims.values()
    assert (claim.report_status, claim.status, claim.applicant_phone) == (
        ReportStatus.REPORTED,
        ClaimStatus.GATHERING,
        "13800000000",
    )
    assert world.db.state.retirees[claim.retiree_id].death_reported
    assert chat.state is not None
    assert chat.state.step == "documents"
    assert "火化证明" in chat.text


async def test_documents_photo_pdf_not_yet_and_bad_content_then_submit(world: World) -> None:
    chat = await reported(world)
    await chat.say("⬜ 火化证明")
    assert chat.state is not None
    assert chat.state.step == "document"
    await chat.send_media(EventKind.STICKER)
    assert ZH.gettext(flow.NOT_A_DOCUMENT) in chat.text
    await chat.send_media(EventKind.VOICE)
    assert ZH.gettext(flow.NOT_A_DOCUMENT) in chat.text
    await chat.send_media(EventKind.PHOTO)
    assert chat.state is not None
    assert chat.state.step == "documents"
    assert "✅ 火化证明" in chat.buttons
    await chat.say("安葬证明")
    await chat.send_media(EventKind.DOCUMENT)
    await chat.say("逝者的身份证")
    await chat.say(ZH.gettext(flow.NOT_YET))
    await chat.say(ZH.gettext(flow.REVIEW))
    assert "逝者的身份证" in chat.text
    assert "办理人的身份证" in chat.text
    await chat.say(ZH.gettext(flow.SUBMIT))
    (claim,) = world.db.state.claims.values()
    assert claim.status is ClaimStatus.SUBMITTED
    reference = f"{claim.reference[:4]}-{claim.reference[4:]}"
    assert reference in chat.text
    assert ZH.gettext(flow.ESTIMATE_UNKNOWN) in chat.text  # the county publishes no figures
    assert chat.state is None
    states = {d.kind: d.state for d in world.db.state.claim_documents.values()}
    assert states == {
        "cremation_certificate": DocumentState.PRESENT,
        "burial_certificate": DocumentState.PRESENT,
        "deceased_id": DocumentState.NOT_YET,
    }
    # From the menu again: the status in plain words.
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    assert ZH.gettext(flow.STATUS_WORDS[ClaimStatus.SUBMITTED]) in chat.text
    assert not [s for s in world.db.state.outbox_status.values() if s is OutboxStatus.FAILED]


async def test_the_flow_survives_a_restart(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("2027-02-26")
    # A new core over the same database: the conversation goes on where it was.
    world.core = BotCore(
        uow_factory=world.db.uow,
        clock=world.clock,
        id_hash_key=ID_KEY,
        i18n=shared_i18n(),
        profile=world.profile,
        knowledge=shared_knowledge(),
    )
    await chat.say(ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))]))
    assert chat.state is not None
    assert (chat.state.step, chat.state.data["died_on"]) == ("phone", "2027-02-26")


async def test_a_word_file_or_a_file_over_20_mb_gets_a_clear_answer(world: World) -> None:
    chat = await reported(world)
    await chat.say("⬜ 火化证明")
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    await chat.send_media(EventKind.DOCUMENT, mime_type=word)
    assert ZH.gettext(flow.NOT_PDF) in chat.text
    await chat.send_media(EventKind.DOCUMENT, size=21 * 1024 * 1024)
    assert ZH.gettext(flow.TOO_BIG) in chat.text
    assert chat.state is not None
    assert chat.state.step == "document"
    assert world.db.state.claim_documents == {}
    await chat.send_media(EventKind.DOCUMENT, size=300_000)
    (document,) = world.db.state.claim_documents.values()
    assert (document.file_type, document.file_size) == (FileType.PDF, 300_000)


async def test_the_phone_step_offers_share_my_number_and_still_takes_typed_digits(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("2027-02-26")
    await chat.say(ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))]))
    assert chat.reply_keyboard.contact == ZH.gettext(flow.SHARE_PHONE)
    assert ZH.gettext(flow.SHARE_PHONE) in chat.buttons
    await chat.share_contact("+86 138 0013 8000")
    assert chat.state is not None
    assert (chat.state.step, chat.state.data["phone"]) == ("recipient", "+8613800138000")
    await chat.say(ZH.gettext(buttons.BACK))
    await chat.say("139-0000-0000")
    assert chat.state is not None
    assert (chat.state.step, chat.state.data["phone"]) == ("recipient", "13900000000")


async def test_the_conversation_keeps_when_it_began_through_its_steps(world: World) -> None:
    chat = await family(world)
    began = world.clock.now()
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    world.clock.advance(timedelta(hours=2))
    for said in ("2027年2月26日", ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))])):
        await chat.say(said)
    await chat.say(ZH.gettext(buttons.BACK))
    assert chat.state is not None
    assert chat.state.data["started"] == began.isoformat()
    for said in (
        ZH.gettext(buttons.RELATIONS[next(iter(buttons.RELATIONS))]),
        "13800000000",
        ZH.gettext(flow.YES),
        ZH.gettext(flow.SEND),
    ):
        await chat.say(said)
    assert chat.state is not None
    assert chat.state.step == "documents"
    assert chat.state.data["started"] == began.isoformat()


async def test_a_report_left_for_a_day_gets_one_gentle_reminder(world: World) -> None:
    chat = await family(world)
    await chat.say(ZH.gettext(buttons.DEATH_BENEFIT))
    await chat.say("2027年2月26日")
    world.clock.advance(timedelta(hours=23, minutes=59))
    async with world.db.uow() as uow:
        assert await claims_service.remind_unfinished(uow, world.clock.now()) == 0
    world.clock.advance(timedelta(minutes=1))
    for _ in range(2):
        async with world.db.uow() as uow:
            await claims_service.remind_unfinished(uow, world.clock.now())
            await uow.commit()
    reminders = [m for k, m in world.db.state.outbox.items() if k.startswith("death-report-unfinished:")]
    assert len(reminders) == 1
    assert reminders[0].category is MessageCategory.NOTICE
    assert reminders[0].chat_id == chat.user_id
    assert reminders[0].context["kind"] == "unfinished"
    assert reminders[0].context["name"] == ROSTER_NAME
