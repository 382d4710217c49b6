"""Staff exports of the certification lists, as CSV (UTF-8 with BOM, which Excel and WPS open) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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


def _safe(cell: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: names come from a roster, not from us.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    # Imported here: openpyxl is 13 MB of memory that every bot process kept for the rare export.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("certification")
    for row in rows:
        sheet.append([_safe(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
