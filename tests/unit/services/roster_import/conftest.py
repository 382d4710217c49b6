from __future__ import annotations

import pytest

from bot.services.roster_import import ImportReport, import_units
from storage.database import Database
from tests.unit.services.roster_import.support import SAMPLES


@pytest.fixture
async def units(database: Database) -> None:
    """The sample city's units (samples/units.csv) in the test's database."""
    assert await import_units(SAMPLES / "units.csv", database.uow) == ImportReport(created=15)
