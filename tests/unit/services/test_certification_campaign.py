"""The campaign tick on the in-memory fakes: reminders once, in the recipient's language and procedure;
escalations and suspension on their dates; nothing for the deceased or the certified."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.actions import InlineKeyboard
from bot.domain.certification import CertMethod, CertStatus
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.rendering import Renderer
from bot.services import certification
from bot.services.certification_campaign import Campaign
from bot.services.certification_messages import REMINDER_TEMPLATE, CertificationTexts
from bot.services.certification_profile import load_profile
from tests.fakes import FakeDatabase
from tests.parts import shared_i18n
from tests.storage.certification_contract import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def campaign(db: FakeDatabase) -> Campaign:
    i18n = shared_i18n()
    return Campaign(db.uow, i18n, CertificationTexts(Renderer(i18n), load_profile()), workers=2)


def outbox(db: FakeDatabase, prefix: str) -> list[OutboxMessage]:
    return [m for key, m in db.state.outbox.items() if key.startswith(prefix)]


async def test_reminder_goes_once_to_each_alive_bound_pending_retiree(
    db: FakeDatabase, campaign: Campaign
) -> None:
    world = await build_world(db.uow)
    assert (await campaign.tick(at(2, 28))).reminders == 0
    first = await campaign.tick(at(3, 1))
    again = await campaign.tick(at(3, 1, 15, 0))
    assert (first.reminder, first.reminders, again.reminders) == (1, 4, 0)
    sent = outbox(db, "cert-rem:2027:1:")
    assert {m.account_id for m in sent} == {world.accounts[n] for n in ("a1", "a2", "b1", "e1")}
    assert all(m.category is MessageCategory.REMINDER and m.template == REMINDER_TEMPLATE for m in sent)
    # One batch for the reminder, however often the tick ran.
    assert len(db.state.batches) == 1


async def test_reminders_speak_the_language_and_procedure_of_the_retiree(
    db: FakeDatabase, campaign: Campaign
) -> None:
    world = await build_world(db.uow)
    await campaign.tick(at(3, 1))
    by_account = {m.account_id: m for m in outbox(db, "cert-rem:")}
    english = by_account[world.accounts["a1"]]
    far = by_account[world.accounts["e1"]]
    assert english.locale == "en"
    assert english.context["deadline"] == "May 31, 2027"
    assert far.locale == "zh_Hans"
    assert far.context["elsewhere"] is True
    assert far.context["deadline"] == "2027年5月31日"
    renderer = Renderer(shared_i18n())
    text = renderer.render(shared_i18n().translator("en"), REMINDER_TEMPLATE, **english.context)
    assert "Staff will never ask for SMS codes, passwords or money transfers." in text
    assert isinstance(english.keyboard, InlineKeyboard)
    assert [row[0].callback_data for row in english.keyboard.rows] == [
        "v1:cr:d",
        "v1:cr:h",
        "v1:cr:v",
        "v1:cr:p",
    ]


async def test_certified_and_self_reported_get_no_more_reminders(
    db: FakeDatabase, campaign: Campaign
) -> None:
    world = await build_world(db.uow)
    await campaign.tick(at(3, 1))
    async with db.uow() as uow:
        await uow.certification.certify(world.retirees["a1"], "2027", CertMethod.IN_PERSON, at(3, 2), None)
        await uow.certification.self_report(world.retirees["a2"], "2027", at(3, 2))
        await uow.commit()
    report = await campaign.tick(at(3, 15))
    assert report.reminders == 2  # b1 and e1
    assert {m.account_id for m in outbox(db, "cert-rem:2027:2:")} == {
        world.accounts["b1"],
        world.accounts["e1"],
    }


async def test_family_is_told_after_the_second_reminder_once(db: FakeDatabase, campaign: Campaign) -> None:
    world = await build_world(db.uow)
    assert (await campaign.tick(at(3, 21))).family == 0
    assert (await campaign.tick(at(3, 22))).family == 1
    assert (await campaign.tick(at(3, 23))).family == 0
    (message,) = outbox(db, "cert-family:")
    assert message.account_id == world.accounts["family"]
    assert message.text is not None
    assert "a1" in message.text
    assert isinstance(message.keyboard, InlineKeyboard)
    # The family's buttons name the retiree (an opaque id): the family acts for them.
    assert message.keyboard.rows[3][0].callback_data == f"v1:cr:p:{world.retirees['a1']}"


async def test_supervisor_gets_the_list_when_the_window_closes(db: FakeDatabase, campaign: Campaign) -> None:
    world = await build_world(db.uow)
    assert (await campaign.tick(at(5, 31, 17, 30))).supervisors == 0
    assert (await campaign.tick(at(6, 1))).supervisors == 1
    assert (await campaign.tick(at(6, 2))).supervisors == 0
    (message,) = outbox(db, "cert-supervisor:")
    assert message.account_id == world.accounts["supervisor"]
    assert message.text is not None
    for name in ("a1", "a2", "b1", "e1", "u1"):
        assert name in message.text
    assert "d1" not in message.text  # deceased


async def test_suspension_on_its_date_tells_retiree_and_family(db: FakeDatabase, campaign: Campaign) -> None:
    world = await build_world(db.uow)
    async with db.uow() as uow:
        await uow.certification.certify(world.retirees["b1"], "2027", CertMethod.HOME_VISIT, at(5, 1), None)
        await uow.commit()
    assert (await campaign.tick(at(7, 31, 17, 30))).suspended == 0
    report = await campaign.tick(at(8, 1))
    assert report.suspended == 4  # a1, a2, e1, u1
    assert (await campaign.tick(at(8, 1, 15, 0))).suspended == 0
    told = {m.account_id for m in outbox(db, "cert-suspended:")}
    assert told == {world.accounts[n] for n in ("a1", "a2", "e1", "family")}
    async with db.uow() as uow:
        record = await uow.certification.get(world.retirees["a1"], "2027")
        dead = await uow.certification.get(world.retirees["d1"], "2027")
    assert record is not None
    assert record.status is CertStatus.SUSPENDED
    assert dead is None


async def test_rolling_cycles_remind_escalate_and_suspend_each_retiree_on_their_own_dates(
    db: FakeDatabase,
) -> None:
    from bot.regions import PROFILES_DIR

    i18n = shared_i18n()
    texts = CertificationTexts(Renderer(i18n), load_profile(PROFILES_DIR / "rolling-example.yaml"))
    rolling = Campaign(db.uow, i18n, texts)
    world = await build_world(db.uow)
    # Never certified: a1 (born in February) is due by 28 February 2027, a2 (March) by 31 March.
    first = await rolling.tick(datetime(2027, 1, 15, 9, 30, tzinfo=SHANGHAI))
    assert (first.reminder, first.reminders) == (2, 1)
    (reminder,) = outbox(db, "cert-rem:")
    assert (
        reminder.dedupe_key == f"cert-rem:2027-02:2:{world.retirees['a1']:010d}:{world.accounts['a1']:010d}"
    )
    assert (await rolling.tick(datetime(2027, 1, 15, 15, 30, tzinfo=SHANGHAI))).reminders == 0
    family = await rolling.tick(datetime(2027, 1, 22, 9, 30, tzinfo=SHANGHAI))
    assert family.family == 1
    # 90 days of grace after 28 February: suspended on 29 May, retiree and family told.
    suspended = await rolling.tick(datetime(2027, 5, 29, 9, 30, tzinfo=SHANGHAI))
    assert suspended.suspended >= 1
    async with db.uow() as uow:
        record = await uow.certification.get(world.retirees["a1"], "2027-02")
    assert record is not None
    assert record.status is CertStatus.SUSPENDED
    told = {m.account_id for k, m in db.state.outbox.items() if k.startswith("cert-suspended:2027-02:")}
    assert told == {world.accounts["a1"], world.accounts["family"]}
    # Certified late: restored, and the next cycle is twelve months on.
    async with db.uow() as uow:
        before = await uow.certification.certify(
            world.retirees["a1"],
            "2027-02",
            CertMethod.HOME_VISIT,
            datetime(2027, 6, 1, tzinfo=SHANGHAI),
            None,
        )
        await uow.commit()
    assert before is CertStatus.SUSPENDED
    later = await rolling.tick(datetime(2028, 4, 20, 9, 30, tzinfo=SHANGHAI))
    assert later.reminders >= 1
    # Due 1 June 2028; on 20 April the second reminder (45 days before) is the latest due.
    assert any(k.startswith(f"cert-rem:2028-06:2:{world.retirees['a1']:010d}") for k in db.state.outbox)


async def test_a_retiree_who_looks_after_a_spouse_hears_as_family(
    db: FakeDatabase, campaign: Campaign
) -> None:
    world = await build_world(db.uow)
    r, a = world.retirees, world.accounts
    async with db.uow() as uow:
        await uow.family.link(a["b1"], r["e1"], "spouse")
        await uow.certification.certify(r["b1"], "2027", CertMethod.HOME_VISIT, at(5, 1), None)
        await uow.commit()
    await campaign.tick(at(8, 1))
    # b1 certified: the suspension notice b1 gets is e1's.
    assert a["b1"] in {m.account_id for m in outbox(db, "cert-suspended:")}
    i18n = shared_i18n()
    async with db.uow() as uow:
        staff = await uow.accounts.get(a["staff"])
        assert staff is not None
        texts = CertificationTexts(Renderer(i18n), load_profile())
        await certification.record(uow, i18n, texts, staff, r["e1"], CertMethod.HOME_VISIT, at(8, 5))
        await uow.commit()
    restored = {m.account_id for m in outbox(db, f"cert-result:rec:2027:{r['e1']}:")}
    assert restored == {a["e1"], a["b1"]}
