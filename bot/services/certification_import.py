"""Data-comparison ("silent") certification: a file of ID numbers certified by other means (pension
records, medical insurance, residence data). Those retirees are certified quietly, so reminders stop.

The file is anything bot.tables reads (CSV in the usual encodings, or XLSX), streamed in chunks, each
certified set-based (one statement per chunk) in the one transaction of the file; each row's first cell
that is a valid resident ID number counts, so a header row, extra columns (names, dates) and blank lines
need no configuration. ID numbers live only in memory while they are hashed; the report gives counts,
never numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

from bot.domain.certification_calendar import CertificationCalendar, Mode
from bot.domain.resident_id import InvalidResidentId, ResidentId
from bot.ports import UnitOfWorkFactory
from bot.progress import NO_PROGRESS, Progress
from bot.tables import Cell, Meter, cell_text, read_rows

CHUNK = 10_000


@dataclass
class ImportResult:
    rows: int = 0
    ids: int = 0  # valid ID numbers found
    certified: int = 0  # newly certified (already certified ones are left alone)
    not_found: int = 0  # rows without a valid ID number


def id_hashes(rows: Iterable[Sequence[Cell]], key: bytes, result: ImportResult) -> Iterator[str]:
    """Keyed hashes of the rows' ID numbers; a first row without one is a header and not counted."""
    first = True
    for cells in rows:
        if not any(cell_text(cell) for cell in cells):
            continue
        number = _first_id(cells)
        if number is None and first:
            first = False
            continue
        first = False
        result.rows += 1
        if number is None:
            result.not_found += 1
        else:
            result.ids += 1
            yield number.keyed_hash(key)


def _first_id(cells: Sequence[Cell]) -> ResidentId | None:
    for cell in cells:
        try:
            return ResidentId.parse(cell_text(cell))
        except InvalidResidentId:
            continue
    return None


async def import_file(
    path: Path,
    uow_factory: UnitOfWorkFactory,
    key: bytes,
    calendar: CertificationCalendar,
    now: datetime,
    actor_account_id: int | None = None,
    *,
    progress: Progress = NO_PROGRESS,
) -> ImportResult:
    """Certify (method: data comparison) everyone in the file for the current campaign cycle."""
    if calendar.mode is not Mode.CAMPAIGN:
        raise NotImplementedError("data-comparison import is for campaign mode")
    cycle = calendar.current_cycle(now).key
    result = ImportResult()
    meter = Meter()
    hashes = id_hashes((row.cells for row in read_rows(path, meter)), key, result)
    async with uow_factory() as uow:
        sized = False
        while chunk := list(islice(hashes, CHUNK)):
            if not sized:  # the file is open once the first chunk is read: its size is known
                progress.stage(f"certifying from {path.name}", meter.size)
                sized = True
            result.certified += await uow.certification.certify_by_hashes(cycle, chunk, now, actor_account_id)
            progress.update(result.rows, meter.done)
        await uow.audit.record(
            actor_account_id,
            "certification.imported",
            f"file:{path.name}",
            {"rows": result.rows, "ids": result.ids, "certified": result.certified, "cycle": cycle},
            now,
        )
        await uow.commit()
    return result
