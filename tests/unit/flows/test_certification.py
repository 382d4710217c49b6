"""The retiree's (and family's) certification: status in plain words, a photo for staff, "I have
certified", a home visit, and the reminder's buttons from wherever the chat is."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import SendText
from bot.domain.certification import CertMethod, CertStatus, SubmissionStatus
from bot.domain.family import Relation
from bot.domain.people import AccountRole
from bot.events import EventKind
from bot.flows import buttons, wording
from bot.flows.certification import CHOOSE_RETIREE, MY_STATUS, NOBODY, SOMEONE_ELSE
from bot.services.certification_messages import HOW_TO_CERTIFY, I_HAVE_CERTIFIED, NEED_VISIT, SEND_PHOTO
from tests.parts import shared_i18n
from tests.unit.chat import ROSTER_ID, ROSTER_NAME, Chat, World, at_step, make_id, registered_retiree

ZH = shared_i18n().translator("zh_Hans")
CYCLE = "2025"  # the fake clock starts on 1 March 2025


def zh(message: str) -> str:
    return ZH.gettext(message)


async def certification_menu(world: World) -> Chat:
    chat = await registered_retiree(world)
    await chat.say(zh(buttons.CERTIFICATION))
    return chat


def retiree_id(world: World) -> int:
    return next(r.id for r in world.db.state.retirees.values() if r.name == ROSTER_NAME)


async def test_the_certification_button_shows_the_status_in_plain_words(world: World) -> None:
    chat = await certification_menu(world)
    assert "尚未认证：请在2025年5月31日前认证。如不认证，将从2025年8月1日起暂停发放。" in chat.text
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("certification", "menu")
    for label in (MY_STATUS, SEND_PHOTO, HOW_TO_CERTIFY, NEED_VISIT, I_HAVE_CERTIFIED, buttons.MAIN_MENU):
        assert zh(label) in chat.buttons
    # The state names the retiree by record id: never the ID number.
    assert ROSTER_NAME in chat.raw_state
    assert "210102" not in chat.raw_state


async def test_a_photo_goes_to_staff_review_and_back_to_the_menu(world: World) -> None:
    chat = await certification_menu(world)
    await chat.say(zh(SEND_PHOTO))
    assert chat.state is not None
    assert chat.state.step == "photo"
    await chat.say("这是照片")
    assert "请发送照片或短视频" in chat.text
    await chat.send_media(EventKind.VOICE)
    assert chat.state.step == "photo"
    await chat.send_media(EventKind.PHOTO)
    assert "照片已交给社区工作人员" in chat.text
    assert chat.state is not None
    assert chat.state.step == "menu"
    (submission,) = world.db.state.submissions.values()
    assert (submission.retiree_id, submission.file_id) == (retiree_id(world), "file-1")
    assert submission.status is SubmissionStatus.WAITING
    await chat.say(zh(MY_STATUS))
    assert "您的照片正在等工作人员审核" in chat.text


async def test_i_have_certified_is_a_self_report_made_once(world: World) -> None:
    chat = await certification_menu(world)
    await chat.say(zh(I_HAVE_CERTIFIED))
    assert "工作人员会核实" in chat.text
    cert = world.db.state.certifications[(retiree_id(world), CYCLE)]
    assert cert.record.status is CertStatus.SELF_REPORTED
    await chat.say(zh(I_HAVE_CERTIFIED))
    assert "状态已经登记" in chat.text
    assert [a["action"] for a in world.db.state.audit].count("certification.self_reported") == 1


async def test_a_home_visit_is_asked_for_once(world: World) -> None:
    chat = await certification_menu(world)
    await chat.say(zh(NEED_VISIT))
    assert "安排上门认证" in chat.text
    await chat.say(zh(NEED_VISIT))
    assert "您已申请过上门认证" in chat.text


async def test_how_to_certify_names_the_office_of_the_region(world: World) -> None:
    chat = await certification_menu(world)
    await chat.say(zh(HOW_TO_CERTIFY))
    assert "居住地的乡镇劳动保障事务所" in chat.text
    assert "工作人员绝不会向您索要短信验证码或密码" in chat.text


async def test_a_certified_retiree_is_told_when_and_the_next_due_date(world: World) -> None:
    chat = await registered_retiree(world)
    async with world.db.uow() as uow:
        await uow.certification.certify(
            retiree_id(world), CYCLE, CertMethod.IN_PERSON, world.clock.now(), None
        )
        await uow.commit()
    await chat.say(zh(buttons.CERTIFICATION))
    assert "已于2025年3月1日认证；下次请在2026年5月31日前认证。" in chat.text


async def test_the_reminders_buttons_work_from_the_main_menu(world: World) -> None:
    chat = await registered_retiree(world)
    assert chat.state is None
    await chat.press("v1:cr:p")
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("certification", "photo")
    await chat.press("v1:cr:h")
    assert "怎样认证" in chat.text
    await chat.press("v1:cr:d")
    assert world.db.state.certifications[(retiree_id(world), CYCLE)].record.status is CertStatus.SELF_REPORTED


async def test_a_button_for_someone_else_is_stale(world: World) -> None:
    chat = await registered_retiree(world)
    other = world.add_retiree("李四", make_id(sequence=7))
    await chat.press(f"v1:cr:p:{other}")
    stale = ZH.gettext(wording.STALE_BUTTON)
    assert [a.text for a in chat.answered] == [stale]
    assert chat.state is None


async def test_a_family_member_certifies_for_the_retiree(world: World) -> None:
    await registered_retiree(world)
    family = world.chat(502)
    await family.command("start")
    for said in ("👪 我是家属", ROSTER_NAME, ROSTER_ID.unmasked(), zh(buttons.RELATIONS[Relation.SON])):
        await family.say(said)
    assert family.account.role is AccountRole.FAMILY
    await family.say(zh(buttons.CERTIFICATION))
    assert f"{ROSTER_NAME}的认证" in family.text
    await family.press(f"v1:cr:p:{retiree_id(world)}")
    await family.send_media(EventKind.VIDEO)
    (submission,) = world.db.state.submissions.values()
    assert submission.account_id == family.account.id
    assert submission.kind.value == "video"


async def test_a_new_user_has_no_certification_to_look_after(world: World) -> None:
    staff = await at_step(world, "menu/staff")
    await staff.press("v1:cr:d")
    assert not any(isinstance(a, SendText) and "工作人员会核实" in a.text for a in staff.last)


async def test_a_main_menu_button_from_an_old_keyboard_still_does_what_it_says(world: World) -> None:
    chat = await certification_menu(world)
    await chat.say(zh(buttons.POLICY))
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("policy", "ask")


async def _unlinked_at_the_mothers_menu(world: World) -> Chat:
    """The son at his mother's certification menu, after his links were removed elsewhere."""
    family = await _family_of_two(world)
    await family.say(zh(buttons.CERTIFICATION))
    await family.say("王芳")
    assert family.state is not None
    assert (family.state.flow, family.state.step) == ("certification", "menu")
    world.db.state.family = {}
    return family


async def test_a_main_menu_button_works_after_the_retiree_was_unlinked(world: World) -> None:
    family = await _unlinked_at_the_mothers_menu(world)
    await family.say(zh(buttons.POLICY))
    assert family.state is not None
    assert (family.state.flow, family.state.step) == ("policy", "ask")


async def test_the_certification_menu_of_a_retiree_no_longer_looked_after_goes_home(world: World) -> None:
    family = await _unlinked_at_the_mothers_menu(world)
    await family.say(zh(MY_STATUS))
    assert zh(NOBODY) in family.text
    assert family.state is None
    assert zh(buttons.CERTIFICATION) in family.buttons


async def _family_of_two(world: World) -> Chat:
    """A son who looks after his father (registered first) and his mother (added from settings)."""
    world.add_retiree(ROSTER_NAME, ROSTER_ID)
    mother = make_id(sequence=9)
    world.add_retiree("王芳", mother)
    family = world.chat(502)
    await family.command("start")
    for said in ("👪 我是家属", ROSTER_NAME, ROSTER_ID.unmasked(), zh(buttons.RELATIONS[Relation.SON])):
        await family.say(said)
    await family.say(zh(buttons.SETTINGS))
    await family.say(zh(buttons.ADD_RETIREE))
    for said in ("王芳", mother.unmasked(), zh(buttons.RELATIONS[Relation.SON])):
        await family.say(said)
    assert family.account.role is AccountRole.FAMILY
    return family


async def test_a_family_member_looking_after_two_retirees_says_whose_certification(world: World) -> None:
    family = await _family_of_two(world)
    await family.say(zh(buttons.CERTIFICATION))
    assert zh(CHOOSE_RETIREE) in family.text
    assert family.buttons[:2] == [ROSTER_NAME, "王芳"]

    await family.say("王芳")
    assert "王芳的认证" in family.text
    assert zh(SOMEONE_ELSE) in family.buttons
    assert family.state is not None
    mother_id = next(r.id for r in world.db.state.retirees.values() if r.name == "王芳")
    assert family.state.data["retiree_id"] == mother_id

    await family.say(zh(SOMEONE_ELSE))
    await family.say(ROSTER_NAME)
    assert f"{ROSTER_NAME}的认证" in family.text
    assert family.state is not None
    assert family.state.data["retiree_id"] == retiree_id(world)


async def test_the_chooser_takes_only_the_names_offered(world: World) -> None:
    family = await _family_of_two(world)
    await family.say(zh(buttons.CERTIFICATION))
    await family.say("李四")
    assert family.state is not None
    assert family.state.step == "choose"
    assert family.buttons[:2] == [ROSTER_NAME, "王芳"]


async def test_one_retiree_needs_no_chooser(world: World) -> None:
    chat = await certification_menu(world)
    assert zh(CHOOSE_RETIREE) not in chat.text
    assert zh(SOMEONE_ELSE) not in chat.buttons


async def test_after_the_last_day_the_status_says_it_has_passed(world: World) -> None:
    chat = await registered_retiree(world)
    world.clock.advance(timedelta(days=100))  # 9 June 2025: the window closed on 31 May
    await chat.say(zh(buttons.CERTIFICATION))
    assert "截止日期（2025年5月31日）已过。请尽快认证：如不认证，将从2025年8月1日起暂停发放。" in chat.text


async def test_a_retiree_registering_after_the_campaign_ended_is_told_when_the_next_window_opens(
    world: World,
) -> None:
    world.clock.advance(timedelta(days=190))  # 7 September 2025: this year's suspension date has passed
    chat = await registered_retiree(world)
    await chat.say(zh(buttons.CERTIFICATION))
    assert "今年的认证已经结束。下次认证时间为2026年4月1日至2026年5月31日。" in chat.text
    assert "已过" not in chat.text
    assert "尽快" not in chat.text
    assert "2025年8月1日" not in chat.text

    # Still so on the last day before the next campaign's year, in English too.
    world.clock.advance(timedelta(days=115))  # 31 December 2025
    await chat.command("language")
    await chat.say("English")
    await chat.say("✅ Certification")
    assert "This year's certification has ended. The next one runs from April 1, 2026 to May 31, 2026." in (
        chat.text
    )


async def test_a_retiree_suspended_by_the_campaign_is_told_so_not_when_the_next_window_opens(
    world: World,
) -> None:
    chat = await registered_retiree(world)
    world.clock.advance(timedelta(days=190))  # September 2025
    async with world.db.uow() as uow:
        await uow.certification.suspend_pending(CYCLE, world.clock.now(), 0, 10**9)
        await uow.commit()
    await chat.say(zh(buttons.CERTIFICATION))
    assert "未认证：从2025年8月1日起已暂停发放" in chat.text
    assert "下次认证" not in chat.text


async def test_asking_whether_i_have_certified_shows_my_status(world: World) -> None:
    chat = await registered_retiree(world)
    await chat.say("我今年认证过了吗？")
    assert f"{ROSTER_NAME}的认证" in chat.text
    assert "尚未认证" in chat.text
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == ("certification", "menu")
