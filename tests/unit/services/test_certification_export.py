"""The staff export written a page at a time: every retiree once, in the lists' order, whatever the page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from bot.domain.people import RetireeRecord, UnitKind
from bot.domain.resident_id import ResidentId
from bot.services.certification_export import write_export
from bot.services.certification_lists import staff_lists
from bot.services.certification_profile import load_profile
from tests.fakes import FakeDatabase
from tests.parts import shared_i18n

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("page", [1, 3, 2000])
async def test_every_retiree_once_whatever_the_page(page: int) -> None:
    db = FakeDatabase()
    communities = [db.add_unit(code, f"社区{code}", UnitKind.COMMUNITY) for code in ("C2", "C1")]
    for n in range(11):
        rid = ResidentId.build("210101", date(1950, 1, 1), n)
        name, community = f"人{n % 4}{n}", f"C{n % 2 + 1}"
        hashed = rid.keyed_hash(b"k")
        db.add_retiree(RetireeRecord(name, hashed, rid.masked, rid.birth_date, date(2010, 1, 1), community))
    profile = load_profile()
    t = shared_i18n().translator("zh_Hans")
    target = io.BytesIO()
    async with db.uow() as uow:
        lists = await staff_lists(uow, profile.calendar, [c.id for c in communities], NOW)
        written = await write_export(uow, t, lists, profile.calendar.tz, target, "csv", page=page)
    rows = list(csv.reader(io.StringIO(target.getvalue().decode("utf-8-sig"))))
    assert written == 11
    assert len(rows) == 12
    names = [row[0] for row in rows[1:]]
    assert len(set(names)) == 11
    # By community (C2 was made first), then by name.
    expected = sorted(names, key=lambda name: (int(name[2:]) % 2 == 0, name))
    assert names == expected
