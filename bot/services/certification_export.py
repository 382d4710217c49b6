"""The staff export of the certification lists, written as a stream (bot.tables writes CSV or XLSX).

A district has a hundred thousand retirees and a city a million: the lists are read a page at a time by
key (StaffLists.page_after) and each page is written out before the next is read, so memory stays flat.
The writing runs on a worker thread, a page at a time, so that the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from bot.domain.certification import CertList, CertListItem
from bot.i18n import N_, Translator
from bot.ports import UnitOfWork
from bot.progress import NO_PROGRESS, Progress
from bot.services.certification_lists import StaffLists
from bot.services.certification_messages import METHODS
from bot.tables import Format, table_writer

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
PAGE = 2000
SHEET = "certification"
EXPORTED = (CertList.PENDING, CertList.SELF_REPORTED, CertList.CERTIFIED, CertList.SUSPENDED)


async def export_pages(
    uow: UnitOfWork, t: Translator, lists: StaffLists, tz: ZoneInfo, page: int = PAGE
) -> AsyncIterator[list[list[str]]]:
    """The export's rows a page at a time: the header first, then each list in turn."""
    yield [[t.gettext(h) for h in HEADER]]
    names: dict[int, str] = {}
    # Words repeated on every row, translated once.
    statuses = {status: t.gettext(name) for status, name in STATUS_NAMES.items()}
    methods = {method: t.gettext(name) for method, name in METHODS.items()}
    yes, no = t.gettext(YES), t.gettext(NO)
    for which in EXPORTED:
        after: CertListItem | None = None
        while True:
            items = await lists.page_after(which, after, page)
            for item in items:
                if item.community_id not in names:
                    unit = await uow.units.get(item.community_id)
                    names[item.community_id] = unit.name if unit else ""
            yield [
                [
                    item.name,
                    item.id_masked,
                    names[item.community_id],
                    statuses[item.status.value],
                    methods[item.method] if item.method else "",
                    _when(item.certified_at, tz),
                    yes if item.lives_elsewhere else no,
                    yes if item.visit_requested else no,
                ]
                for item in items
            ]
            if len(items) < page:
                break
            after = items[-1]


async def write_export(
    uow: UnitOfWork,
    t: Translator,
    lists: StaffLists,
    tz: ZoneInfo,
    target: BinaryIO,
    kind: Format,
    *,
    progress: Progress = NO_PROGRESS,
    page: int = PAGE,
) -> int:
    """Write the export into `target`, a page at a time; how many retirees it lists."""
    counts = await lists.counts()
    progress.stage("exporting", sum(counts[which] for which in EXPORTED))
    writer = await asyncio.to_thread(table_writer, kind, target, sheet=SHEET)
    written = -1  # the header is no retiree
    async for rows in export_pages(uow, t, lists, tz, page):
        await asyncio.to_thread(writer.write, rows)
        written += len(rows)
        progress.update(written)
    progress.stage("finishing the file")
    await asyncio.to_thread(writer.close)
    return written


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""
