"""Community activities in the demo: a neighbour (a second retiree of the staff's street) to fill the last
place and wait in line, and the activity jobs (offers running out, the day-before reminders, the notice's
progress message) run when the clock moves or on `/tick`, with delivery of what they queue, as the
scheduler would."""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path

from bot.app.parts import SharedParts
from bot.config import Settings
from bot.emulator import Emulator
from bot.ports import Clock
from bot.rendering import Renderer
from scheduler.activities import activity_reminders, notice_progress, offer_expiry
from scheduler.context import JobContext
from storage.database import Database

from .terminal import ExtraCommand, LookUp, Persona, RecordedCall

NEIGHBOUR_USER = 10004
HELP = """  /as neighbour                          a second retiree of the staff's street, to fill an activity
  (/clock and /tick also run the activity jobs: offers running out, day-before reminders, notice progress)"""


def sample_neighbour(roster: Path, street: str, taken: Sequence[str]) -> tuple[str, str]:
    """(name, ID number) of the first alive retiree of the fictional sample roster living under `street`
    whose ID is not in `taken` (the other personas')."""
    with roster.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["状态"] != "死亡" and row["社区编码"].startswith(street) and row["身份证号"] not in taken:
                return row["姓名"], row["身份证号"]
    raise LookupError(f"no sample retiree under {street}")


def neighbour_persona(roster: Path, street: str, taken: Sequence[str]) -> tuple[Persona, str]:
    """The neighbour persona and the line telling the person how to register as them."""
    name, number = sample_neighbour(roster, street, taken)
    return (
        Persona("neighbour", NEIGHBOUR_USER, name),
        f"  As the neighbour, register as {name}, ID number {number}.",
    )


def message_text(emulator: Emulator) -> LookUp:
    """What a message in a chat says (a notice arrives as a copy of the staff's message)."""

    def look_up(chat_id: int, message_id: int) -> str | None:
        found = [m.text for m in emulator.messages(chat_id) if m.message_id == message_id]
        return found[-1] if found else None

    return look_up


class DemoActivities:
    """Runs the scheduler's activity jobs on the demo's clock and delivers what they queue."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        clock: Clock,
        parts: SharedParts,
        deliver: Callable[[], Awaitable[Sequence[RecordedCall]]],
    ) -> None:
        self.job = JobContext(
            uow=database.uow,
            clock=clock,
            settings=settings,
            i18n=parts.i18n,
            renderer=Renderer(parts.i18n),
            profile=parts.profile,
        )
        self._deliver = deliver

    async def run_jobs(self) -> Sequence[RecordedCall]:
        await offer_expiry(self.job)
        await activity_reminders(self.job)
        return await self.after_line()

    async def after_line(self) -> Sequence[RecordedCall]:
        """Deliver what the line queued, then bring a notice's progress message up to date with it."""
        calls = list(await self._deliver())
        await notice_progress(self.job)
        return [*calls, *await self._deliver()]

    def commands(self, inner: Mapping[str, ExtraCommand]) -> dict[str, ExtraCommand]:
        """`inner` with /clock and /tick followed by the activity jobs."""
        wrapped = dict(inner)
        for name in ("/clock", "/tick"):
            if name in inner:
                wrapped[name] = self._then_jobs(inner[name])
        return wrapped

    def _then_jobs(self, command: ExtraCommand) -> ExtraCommand:
        async def run(persona: Persona, arg: str) -> tuple[str | None, Iterable[RecordedCall]]:
            said, calls = await command(persona, arg)
            return said, [*calls, *await self.run_jobs()]

        return run
