"""`retiree-bot demo`: the emulator, the bot and a terminal chat in one process. No token, no network."""

from __future__ import annotations

import asyncio
import csv
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.domain.people import StaffRole
from bot.emulator import Emulator, RecordedCall
from bot.services.roster_import import ImportReport, import_roster, import_units
from bot.services.staff_invites import create_invite
from handlers import create_transport
from storage.database import Database
from storage.migrate import upgrade

from .activities import HELP as ACTIVITIES_HELP
from .activities import DemoActivities, message_text, neighbour_persona
from .campaign import HELP as CAMPAIGN_HELP
from .campaign import DemoCampaign, DemoClock
from .claims import HELP as CLAIMS_HELP
from .claims import DemoClaims, check_staff_covers, claims_commands
from .terminal import HELP, ExtraCommand, Persona, TerminalChat
from .terminal import RecordedCall as TerminalCall

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
DEMO_TOKEN = "123456789:DEMO-retiree-bot-local-emulator-token"  # any well-formed token: the emulator is local
DEMO_STAFF_UNIT = "21010101"  # a street office of the sample tree


def load_or_create_key(path: Path) -> bytes:
    """The demo's ID hash key: generated once and kept beside its database, so registrations survive."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def sample_people(count: int) -> list[tuple[str, str]]:
    """(name, ID number) of the first alive retirees in the fictional sample roster."""
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["状态"] != "死亡"]
    return [(row["姓名"], row["身份证号"]) for row in rows[:count]]


def _check(report: ImportReport, what: str) -> None:
    if not report.ok:
        raise RuntimeError(f"sample {what} did not import: " + "; ".join(map(str, report.errors)))


async def seed(database: Database, key: bytes) -> str:
    """Load the sample tree and roster (idempotent) and return a fresh staff invite token."""
    _check(await import_units(SAMPLES / "units.csv", database.uow), "units")
    _check(await import_roster(SAMPLES / "roster.csv", database.uow, key), "roster")
    return await create_invite(database.uow, DEMO_STAFF_UNIT, StaffRole.SUPERVISOR, SystemClock())


def _write(line: str) -> None:
    print(line, flush=True)


async def _lines() -> asyncio.Queue[str | None]:
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    loop.run_in_executor(None, pump)
    return queue


async def run_demo(settings: Settings, data_dir: Path | None = None) -> None:
    folder = data_dir or settings.data_dir / "demo"
    key = load_or_create_key(folder / "id_hash_key")
    url = f"sqlite+aiosqlite:///{(folder / 'demo.sqlite3').resolve()}"
    # The demo's chat is the terminal: keep library chatter out of it unless asked for.
    for name in ("", "alembic"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
    await upgrade(url)
    database = Database.from_url(url)
    try:
        invite_token = await seed(database, key)
        # Update ids already seen are remembered in the database, which outlives this emulator.
        async with Emulator(first_update_id=secrets.randbelow(1_000_000_000) + 100_000_000) as emulator:
            from bot.app.parts import shared_parts
            from bot.app.wiring import build_core

            clock = DemoClock()
            parts = shared_parts(settings)
            core = build_core(settings, database, key, parts, clock=clock)
            await core.warm_up()
            transport = create_transport(
                settings.bot_framework,
                token=DEMO_TOKEN,
                api_base=emulator.base_url,
                core=core,
                poll_timeout=1,
            )
            stop = asyncio.Event()
            polling = asyncio.create_task(transport.run_polling(stop))
            try:
                campaign = DemoCampaign(settings, database, transport.messenger, emulator, clock, parts)
                activities = DemoActivities(settings, database, clock, parts, campaign.deliver)
                await _chat(emulator, invite_token, campaign, activities)
            finally:
                stop.set()
                await polling
                await transport.close()
    finally:
        await database.dispose()


AfterLine = Callable[[], Awaitable[Iterable[TerminalCall]]]


def _campaign_commands(campaign: DemoCampaign) -> dict[str, ExtraCommand]:
    async def clock(persona: Persona, arg: str) -> tuple[str | None, Sequence[RecordedCall]]:
        return (campaign.move_clock(arg) if arg else campaign.describe_now()), ()

    async def tick(persona: Persona, arg: str) -> tuple[str | None, Sequence[RecordedCall]]:
        return await campaign.tick()

    async def photo(persona: Persona, arg: str) -> tuple[str | None, Sequence[RecordedCall]]:
        return "you send a photo", await campaign.photo(persona.user_id)

    return {"/clock": clock, "/tick": tick, "/photo": photo}


def _claims_commands(emulator: Emulator) -> dict[str, ExtraCommand]:
    _write(CLAIMS_HELP)
    return claims_commands(DemoClaims(emulator))


async def _chat(
    emulator: Emulator,
    invite_token: str,
    campaign: DemoCampaign | None = None,
    activities: DemoActivities | None = None,
) -> None:
    (retiree_name, retiree_id), (relative_name, relative_id) = sample_people(2)
    check_staff_covers(SAMPLES, DEMO_STAFF_UNIT, relative_id)
    personas = {
        "retiree": Persona("retiree", 10001, retiree_name),
        "family": Persona("family", 10002, "小明"),
        "staff": Persona("staff", 10003, "社区工作人员", opening=f"/start {invite_token}"),
    }
    neighbour, register_neighbour = neighbour_persona(
        SAMPLES / "roster.csv", DEMO_STAFF_UNIT, (retiree_id, relative_id)
    )
    personas[neighbour.key] = neighbour
    _write("retiree-bot demo: a local Telegram emulator, the bot and sample data (all fictional).")
    _write(f"  As the retiree, register as {retiree_name}, ID number {retiree_id}.")
    _write(f"  As the family member, register for {relative_name}, ID number {relative_id}.")
    _write(register_neighbour)
    _write("  As staff, you arrive through a one-time invite link (sent for you).")
    _write(HELP)
    _write(ACTIVITIES_HELP)
    extra = _campaign_commands(campaign) if campaign is not None else {}
    extra |= _claims_commands(emulator)
    after_line: AfterLine | None = campaign.deliver if campaign else None
    if activities is not None:
        extra = activities.commands(extra)
        after_line = activities.after_line
    if campaign is not None:
        _write(CAMPAIGN_HELP)
        _write(campaign.describe_now())
    chat = TerminalChat(
        emulator,
        personas,
        _write,
        extra_commands=extra,
        after_line=after_line,
        look_up=message_text(emulator),
    )
    await chat.open_chat()
    if campaign is not None:
        # The invite expires a few days after it is made: redeem it before the person moves the clock.
        await chat.open_early("staff")
    lines = await _lines()
    while (line := await lines.get()) is not None:
        if not await chat.handle_line(line):
            break
