"""Staff lists in rolling mode: each retiree listed by their own cycle."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.certification import CertList, CertMethod
from bot.regions import PROFILES_DIR
from bot.services.certification_digest import send_digests
from bot.services.certification_lists import staff_lists
from bot.services.certification_profile import load_profile
from tests.parts import shared_i18n
from tests.unit.chat import World, at_step, make_id

PROFILE = load_profile(PROFILES_DIR / "rolling-example.yaml")
ROLLING = PROFILE.calendar
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)  # 1 March 2025 in Shanghai
EARLIER = datetime(2024, 12, 1, 2, 0, tzinfo=UTC)


async def _five_retirees(world: World) -> None:
    born = {
        "due": date(1950, 3, 17),  # due by 31 March: reminders have begun
        "later": date(1950, 10, 17),  # due by 31 October: not yet
        "done": date(1950, 12, 17),  # certified last December: due again next December
        "frail": date(1950, 4, 17),  # due by 30 April, asked for a home visit
        "stopped": date(1950, 6, 17),  # suspended last year, not certified since
    }
    ids = {
        name: world.add_retiree(name, make_id(day, sequence=n)) for n, (name, day) in enumerate(born.items())
    }
    async with world.db.uow() as uow:
        await uow.certification.certify(ids["done"], "2024-12", CertMethod.IN_PERSON, EARLIER, None)
        await uow.certification.request_visit(ids["frail"], "2025-04", NOW)
        await uow.certification.suspend_pending("2024-06", EARLIER, ids["stopped"], ids["stopped"])
        await uow.commit()


async def test_each_retiree_is_listed_by_their_own_cycle(world: World) -> None:
    await _five_retirees(world)

    async with world.db.uow() as uow:
        lists = await staff_lists(uow, ROLLING, [world.community.id], NOW)
        counts = await lists.counts()
        listed = {which: [i.name for i in await lists.page(which, 0, 10)] for which in CertList}

    assert listed == {
        CertList.PENDING: ["due", "frail"],
        CertList.SELF_REPORTED: [],
        CertList.TO_VISIT: ["frail"],
        CertList.SUSPENDED: ["stopped"],
        CertList.CERTIFIED: ["done"],
    }
    assert counts == {which: len(names) for which, names in listed.items()}
    assert (await lists.page(CertList.PENDING, 1, 10))[0].name == "frail"


async def test_the_daily_digest_counts_each_retiree_in_their_own_cycle(world: World) -> None:
    staff = await at_step(world, "menu/staff")
    await _five_retirees(world)
    i18n = shared_i18n()
    assert await send_digests(world.db.uow, i18n, PROFILE, NOW) == 1
    assert await send_digests(world.db.uow, i18n, PROFILE, NOW) == 0  # once a day
    (digest,) = [m for key, m in world.db.state.outbox.items() if key.startswith("cert-digest:2025-03-01:")]
    assert digest.account_id == staff.account.id
    t = i18n.translator(staff.account.locale)
    assert digest.text is not None
    for line, n in (("To visit: %(n)s", 1), ("Suspended: %(n)s", 1), ("Certified: %(n)s", 1)):
        assert t.gettext(line) % {"n": n} in digest.text


async def test_rolling_mode_sends_no_digest_when_there_is_nothing_to_do(world: World) -> None:
    await at_step(world, "menu/staff")
    world.add_retiree("later", make_id(date(1950, 10, 17), sequence=1))
    assert await send_digests(world.db.uow, shared_i18n(), PROFILE, NOW) == 0
