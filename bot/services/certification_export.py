"""The rows of the staff export of the certification lists (bot.tables writes them as CSV or XLSX)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.certification import CertList
from bot.i18n import N_, Translator
from bot.ports import UnitOfWork
from bot.services.certification_lists import StaffLists
from bot.services.certification_messages import METHODS

HEADER = (
    N_("Name"),
    N_("ID number (masked)"),
    N_("Community"),
    N_("Status"),
    N_("How certified"),
    N_("Certified at"),
    N_("Lives elsewhere"),
    N_("Asked for a home visit"),
)
STATUS_NAMES = {
    "pending": N_("not yet certified"),
    "self_reported": N_("says certified, to confirm"),
    "certified": N_("certified"),
    "suspended": N_("suspended"),
}
YES, NO = N_("yes"), N_("no")
PAGE = 1000
SHEET = "certification"
EXPORTED = (CertList.PENDING, CertList.SELF_REPORTED, CertList.CERTIFIED, CertList.SUSPENDED)


async def export_rows(uow: UnitOfWork, t: Translator, lists: StaffLists, tz: ZoneInfo) -> list[list[str]]:
    names: dict[int, str] = {}
    rows = [[t.gettext(h) for h in HEADER]]
    for which in EXPORTED:
        offset = 0
        while True:
            page = await lists.page(which, offset, PAGE)
            for item in page:
                if item.community_id not in names:
                    unit = await uow.units.get(item.community_id)
                    names[item.community_id] = unit.name if unit else ""
                rows.append(
                    [
                        item.name,
                        item.id_masked,
                        names[item.community_id],
                        t.gettext(STATUS_NAMES[item.status.value]),
                        t.gettext(METHODS[item.method]) if item.method else "",
                        _when(item.certified_at, tz),
                        t.gettext(YES if item.lives_elsewhere else NO),
                        t.gettext(YES if item.visit_requested else NO),
                    ]
                )
            if len(page) < PAGE:
                break
            offset += PAGE
    return rows


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""
