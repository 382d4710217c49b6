"""Death-benefit claims in the demo: documents sent as the current persona (`/pdf`; `/photo` is the
campaign's), the phone number shared as Telegram's “📱 Share my number” button would (`/contact`), and the
check that the staff persona's unit covers the community of the retiree the family registers for, so that
the claim the family sends shows in the staff's queue."""

from __future__ import annotations

import csv
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.emulator import Emulator, RecordedCall

from .terminal import ExtraCommand, Persona

HELP = """  /pdf                                   a claim document as a PDF file (/photo: as a photo)
  /contact                               share the current persona's phone number (📱 button)"""

DEMO_PHONE = "+8613800138000"  # fictional, like everything in the demo


def unit_parents(units_csv: Path) -> dict[str, str]:
    """unit code -> the code of the unit above it, from the sample tree."""
    with units_csv.open(encoding="utf-8-sig", newline="") as handle:
        return {row["编码"]: row["上级编码"] for row in csv.DictReader(handle) if row["上级编码"]}


def covers(parents: dict[str, str], unit: str, community: str) -> bool:
    """Whether `community` lies in `unit`'s subtree (the unit itself included)."""
    seen: set[str] = set()
    code: str | None = community
    while code and code not in seen:
        if code == unit:
            return True
        seen.add(code)
        code = parents.get(code)
    return False


def check_staff_covers(samples: Path, staff_unit: str, id_number: str) -> None:
    """The demo staff must see the family's claim: fail loudly if the sample files drift apart."""
    with (samples / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        community = next(row["社区编码"] for row in csv.DictReader(handle) if row["身份证号"] == id_number)
    if not covers(unit_parents(samples / "units.csv"), staff_unit, community):
        raise RuntimeError(f"the demo staff unit {staff_unit} does not cover community {community}")


class DemoClaims:
    """Acting as the current persona with what a claim needs besides text and buttons."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator

    async def _answered(self, user_id: int, send: Callable[[], Awaitable[int]]) -> Sequence[RecordedCall]:
        start = len(self._emulator.calls)
        await send()
        await self._emulator.wait_for(
            lambda: any(c.chat_id == user_id for c in self._emulator.calls[start:]), timeout=10
        )
        await self._emulator.wait_quiet(user_id, None, 10)
        return self._emulator.calls[start:]

    async def pdf(self, user_id: int) -> Sequence[RecordedCall]:
        return await self._answered(
            user_id, lambda: self._emulator.send_document(user_id, file_name="证明.pdf")
        )

    async def contact(self, user_id: int) -> Sequence[RecordedCall]:
        return await self._answered(user_id, lambda: self._emulator.send_contact(user_id, DEMO_PHONE))


def claims_commands(claims: DemoClaims) -> dict[str, ExtraCommand]:
    async def pdf(persona: Persona, arg: str) -> tuple[str | None, Sequence[RecordedCall]]:
        return "you send a PDF file (证明.pdf)", await claims.pdf(persona.user_id)

    async def contact(persona: Persona, arg: str) -> tuple[str | None, Sequence[RecordedCall]]:
        return f"you share your number ({DEMO_PHONE})", await claims.contact(persona.user_id)

    return {"/pdf": pdf, "/contact": contact}
