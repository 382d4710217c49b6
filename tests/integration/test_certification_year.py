"""A simulated certification year with a fake clock, on SQLite and PostgreSQL, through both frameworks:
every alive, bound retiree gets each scheduled reminder exactly once, none after certifying, none in quiet
hours, none when deceased; escalations and suspension happen on their dates; a late certification restores.
Retirees press the reminders' buttons and send a photo, staff review it and record certifications, all
through the real transports against the emulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.certification import CertMethod, CertStatus
from bot.domain.outbox import OutboxStatus
from bot.domain.people import AccountRole, StaffRole
from bot.emulator import Emulator
from bot.rendering import Renderer
from bot.services.certification_import import import_file
from storage.database import Database
from storage.models import AuditLogRow, OutboxRow
from tests.backends import on_each_backend
from tests.fakes import FakeClock
from tests.integration.certification_support import (
    SHANGHAI,
    CampaignBot,
    campaign_bot,
    certification_database,
    id_hash,
    local,
    roster,
)
from tests.parts import county_profile, shared_i18n

FRAMEWORKS = ["aiogram", "ptb"]
YEAR = 2027
STREET = "21010101"  # 春晖街道: communities 杏花 and 柳岸
PEOPLE = {
    # role: (name in the sample roster, Telegram user, locale)
    "photo": ("王秀英", 5001, "en"),  # certifies with a photo after reminder 2
    "late": ("李德明", 5002, "zh_Hans"),  # never answers: family told, suspended, certified late
    "self": ("周淑珍", 5003, "zh_Hant"),  # presses "I have certified" after reminder 1; staff confirm
    "dead": ("孙国华", 5004, "zh_Hans"),  # deceased: never reminded
    "blocked": ("吴长生", 5005, "zh_Hans"),  # blocked the bot: never reminded
    "far": ("郭建国", 5006, "en"),  # lives elsewhere; certified by the data-comparison import
    "night": ("何凤英", 5007, "en"),  # registers at 20:30 on 15 March: reminder 2 waits for the morning
}
FAMILY_USER = 5101
STAFF_USER = 5201
EXPECTED_REMINDERS = {
    "photo": {1, 2},
    "late": {1, 2, 3, 4, 5},
    "self": {1},
    "dead": set(),
    "blocked": set(),
    "far": {1, 2, 3},
    "night": {2, 3, 4, 5},
}


class Year:
    def __init__(self, bot: CampaignBot, tmp_path: Path) -> None:
        self.bot = bot
        self.tmp_path = tmp_path
        self.retirees: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.street = 0
        self.statuses: dict[str, dict[str, CertStatus | None]] = {}

    async def setup(self) -> None:
        numbers = roster()
        async with self.bot.database.uow() as uow:
            street = await uow.units.get_by_code(STREET)
            assert street is not None
            self.street = street.id
            for role, (name, _, _) in PEOPLE.items():
                retiree = await uow.retirees.find_by_id_hash(id_hash(numbers[name][0]))
                assert retiree is not None
                assert retiree.deceased is (role == "dead")
                self.retirees[role] = retiree.id
            staff = await uow.accounts.get_or_create(STAFF_USER, STAFF_USER, "en")
            await uow.accounts.set_role(staff.id, AccountRole.STAFF)
            await uow.staff.add_membership(staff.id, street.id, StaffRole.SUPERVISOR)
            self.accounts["staff"] = staff.id
            await uow.commit()
        for role in PEOPLE:
            if role != "night":
                await self.bind(role)
        async with self.bot.database.uow() as uow:
            family = await uow.accounts.get_or_create(FAMILY_USER, FAMILY_USER, "zh_Hans")
            await uow.accounts.set_role(family.id, AccountRole.FAMILY)
            await uow.family.link(family.id, self.retirees["late"], "son")
            self.accounts["family"] = family.id
            blocked = self.accounts["blocked"]
            await uow.accounts.set_unreachable(blocked)
            await uow.commit()
        for user in (*(u for r, (_, u, _) in PEOPLE.items() if r != "blocked"), FAMILY_USER, STAFF_USER):
            self.bot.emu.open_chat(user)

    async def bind(self, role: str) -> None:
        _, user, locale = PEOPLE[role]
        async with self.bot.database.uow() as uow:
            account = await uow.accounts.get_or_create(user, user, locale)
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, self.retirees[role])
            self.accounts[role] = account.id
            await uow.commit()

    async def status(self, role: str) -> CertStatus | None:
        async with self.bot.database.uow() as uow:
            record = await uow.certification.get(self.retirees[role], str(YEAR))
        return record.status if record else None

    # --- what people do, on their days --------------------------------------------------------------

    async def staff_opens(self, button: str) -> None:
        await self.bot.says(STAFF_USER, "🏠 Main menu")
        await self.bot.says(STAFF_USER, "✅ Certification tasks")
        await self.bot.says(STAFF_USER, button)

    async def march_2(self) -> None:
        await self.bot.presses(PEOPLE["self"][1], "v1:cr:d")
        assert await self.status("self") is CertStatus.SELF_REPORTED
        await self.staff_opens("🙋 Say they certified")
        await self.bot.presses_labelled(STAFF_USER, PEOPLE["self"][0])
        await self.bot.presses_labelled(STAFF_USER, "Confirm")

    async def march_15_evening(self) -> None:
        await self.bind("night")

    async def march_20(self) -> None:
        user = PEOPLE["photo"][1]
        await self.bot.presses(user, "v1:cr:p")
        await self.bot.sends_photo(user)
        await self.staff_opens("📷 Review photos")
        assert self.bot.emu.messages(STAFF_USER)[-1].kind == "photo"
        await self.bot.presses_labelled(STAFF_USER, "Approve")
        assert await self.status("photo") is CertStatus.CERTIFIED

    async def april_10(self) -> None:
        path = self.tmp_path / "comparison.csv"
        number = roster()[PEOPLE["far"][0]][0]
        path.write_text(f"姓名,身份证号\n{PEOPLE['far'][0]},{number}\n不是号码,12345\n", encoding="utf-8")
        result = await import_file(
            path,
            self.bot.database.uow,
            b"integration-test-id-hash-key",
            county_profile().calendar,
            self.bot.clock.now(),
        )
        assert (result.rows, result.ids, result.certified) == (2, 1, 1)

    async def september_10(self) -> None:
        assert await self.status("late") is CertStatus.SUSPENDED
        await self.staff_opens("⛔ Suspended")
        await self.bot.presses_labelled(STAFF_USER, PEOPLE["late"][0])
        await self.bot.presses_labelled(STAFF_USER, "in person")
        assert await self.status("late") is CertStatus.CERTIFIED

    # --- the year -------------------------------------------------------------------------------------

    async def run(self) -> None:
        events: dict[date, list[tuple[int, int, Callable[[], Awaitable[None]]]]] = {
            date(YEAR, 3, 2): [(10, 0, self.march_2)],
            date(YEAR, 3, 15): [(20, 30, self.march_15_evening)],
            date(YEAR, 3, 20): [(10, 0, self.march_20)],
            date(YEAR, 4, 10): [(10, 0, self.april_10)],
            date(YEAR, 9, 10): [(10, 0, self.september_10)],
        }
        reminder_days = {
            r.astimezone(SHANGHAI).date()
            for r in county_profile().calendar.current_cycle(local(YEAR, 3, 1)).reminders
        }
        day = date(YEAR, 2, 27)
        while day <= date(YEAR, 9, 12):
            moments = [(9, 30), (21, 0)]
            if day in reminder_days:
                moments.insert(0, (7, 0))  # before the reminder's time: nothing for the day yet
            todo = sorted([*((h, m, None) for h, m in moments), *events.get(day, [])], key=lambda e: e[:2])
            for hour, minute, action in todo:
                if action is None:
                    await self.bot.tick(local(day.year, day.month, day.day, hour, minute))
                else:
                    self.bot.at(local(day.year, day.month, day.day, hour, minute))
                    await action()
                    await self.bot.deliver()
            if day in (date(YEAR, 7, 31), date(YEAR, 8, 1)):
                self.statuses[day.isoformat()] = {role: await self.status(role) for role in PEOPLE}
            day += timedelta(days=1)


def shown(row: OutboxRow) -> str:
    """The text the recipient saw: stored, or rendered from the row's template in its language."""
    if row.text is not None:
        return row.text
    assert row.template is not None
    translator = shared_i18n().translator(row.locale)
    return Renderer(shared_i18n()).render(translator, row.template, **(row.context or {}))


def _reminder(rows: list[OutboxRow], retiree_id: int, number: int) -> OutboxRow:
    prefix = f"cert-rem:{YEAR}:{number}:{retiree_id:010d}:"
    return next(row for row in rows if row.dedupe_key.startswith(prefix))


def _local(row: OutboxRow) -> tuple[date, int]:
    assert row.sent_at is not None
    moment = row.sent_at.astimezone(SHANGHAI)
    return moment.date(), moment.hour * 60 + moment.minute


@pytest.mark.timeout(600)
@on_each_backend
@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_simulated_certification_year(
    framework: str, backend: str, emulator: Emulator, tmp_path: Path, template_db: Path
) -> None:
    clock = FakeClock(local(YEAR, 2, 26, 12, 0))
    async with (
        certification_database(backend, tmp_path, template_db) as database,
        campaign_bot(framework, emulator, database, clock) as bot,
    ):
        year = Year(bot, tmp_path)
        await year.setup()
        await year.run()
        await check_the_year(year, database, emulator)


async def check_the_year(year: Year, database: Database, emu: Emulator) -> None:
    async with database.session() as session:
        rows = list((await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all())
        audit = [a.action for a in (await session.scalars(select(AuditLogRow))).all()]
    r, a = year.retirees, year.accounts
    # Everything queued was sent, once, and never in quiet hours (20:00-08:30 in Shanghai).
    assert [row.dedupe_key for row in rows if row.status != OutboxStatus.SENT.value] == []
    for row in rows:
        _, minute = _local(row)
        assert 8 * 60 + 30 <= minute < 20 * 60, (row.dedupe_key, row.sent_at)
        text = shown(row)
        copies = [
            c
            for c in emu.calls
            if c.ok
            and c.chat_id == row.chat_id
            and c.method == "sendMessage"
            and c.params.get("text") == text
        ]
        # A reminder's text is the same for everyone in a language: exactly one copy per chat and number.
        assert len(copies) >= 1, row.dedupe_key
    # Reminders: each scheduled one exactly once per bound, alive retiree; none after certifying.
    for role, expected in EXPECTED_REMINDERS.items():
        got = sorted(
            int(row.dedupe_key.split(":")[2])
            for row in rows
            if row.dedupe_key.startswith("cert-rem:") and int(row.dedupe_key.split(":")[3]) == r[role]
        )
        assert got == sorted(expected), role
    reminder_rows = [row for row in rows if row.dedupe_key.startswith("cert-rem:")]
    assert len(reminder_rows) == sum(len(v) for v in EXPECTED_REMINDERS.values())
    for row in reminder_rows:
        copies = [
            c for c in emu.calls if c.ok and c.chat_id == row.chat_id and c.params.get("text") == shown(row)
        ]
        assert len(copies) == 1, row.dedupe_key
    # In the retiree's language: the English speaker's reads English, the Traditional one's does not.
    assert "Yearly pension certification" in shown(_reminder(rows, r["photo"], 1))
    assert "Yearly pension certification" not in shown(_reminder(rows, r["self"], 1))
    # The evening registrant's reminder 2 was held to the morning.
    night = _reminder(rows, r["night"], 2)
    assert _local(night)[0] == date(YEAR, 3, 16)
    # Those living elsewhere get their own procedure.
    far = _reminder(rows, r["far"], 1)
    near = _reminder(rows, r["photo"], 1)
    assert "form" in shown(far)
    assert "form" not in shown(near)
    # Escalations on their dates: family after reminder 2 (+7 days), the supervisor when the window closes,
    # suspension notices to retiree and family on 1 August.
    family = [row for row in rows if row.dedupe_key.startswith("cert-family:")]
    assert [(row.dedupe_key, _local(row)[0]) for row in family] == [
        (f"cert-family:{YEAR}:{r['late']}:{a['family']}", date(YEAR, 3, 22))
    ]
    supervisor = [row for row in rows if row.dedupe_key.startswith("cert-supervisor:")]
    assert [(row.account_id, _local(row)[0]) for row in supervisor] == [(a["staff"], date(YEAR, 6, 1))]
    suspended = {
        (row.account_id, _local(row)[0]) for row in rows if row.dedupe_key.startswith("cert-suspended:")
    }
    assert suspended == {
        (a["late"], date(YEAR, 8, 1)),
        (a["family"], date(YEAR, 8, 1)),
        (a["night"], date(YEAR, 8, 1)),
    }
    assert year.statuses[f"{YEAR}-07-31"]["late"] is CertStatus.PENDING  # a row: the family was told
    assert year.statuses[f"{YEAR}-08-01"]["late"] is CertStatus.SUSPENDED
    assert year.statuses[f"{YEAR}-08-01"]["photo"] is CertStatus.CERTIFIED
    assert year.statuses[f"{YEAR}-08-01"]["dead"] is None  # the deceased are left alone
    # The late certification restores, and the retiree and family hear that back pay follows.
    async with database.uow() as uow:
        late = await uow.certification.get(r["late"], str(YEAR))
        methods = {role: await uow.certification.get(r[role], str(YEAR)) for role in ("photo", "self", "far")}
    assert late is not None
    assert late.status is CertStatus.CERTIFIED
    assert late.restored_at is not None
    assert {k: v.method for k, v in methods.items() if v} == {
        "photo": CertMethod.SELF_SERVICE,
        "self": CertMethod.SELF_REPORT,
        "far": CertMethod.DATA_COMPARISON,
    }
    back_pay = (
        shared_i18n().translator("zh_Hans").gettext("Payments restart; the payments held back will follow.")
    )
    restored = [row for row in rows if row.dedupe_key.startswith(f"cert-result:rec:{YEAR}:{r['late']}:")]
    assert {row.account_id for row in restored} == {a["late"], a["family"]}
    assert all(back_pay in (row.text or "") for row in restored)
    # The photo's outcome reached the retiree; staff were told of the photo and the self-report.
    assert any(row.dedupe_key.startswith("cert-result:sub:") and row.account_id == a["photo"] for row in rows)
    assert sum(row.dedupe_key.startswith("cert-staff:") for row in rows) == 2
    # Every staff action is in the audit log.
    for action in ("certification.approved", "certification.recorded", "certification.imported"):
        assert action in audit
    assert audit.count("certification.recorded") == 2
