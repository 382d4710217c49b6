"""One behaviour, three stores: the audit log (who did what, appended in the unit of work that did it), run
against SQLite, PostgreSQL and the fake (tests/storage/repositories/test_audit.py). The core never reads the
log back: `beyond_ports.audit_trail` does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone

from bot.ports import UnitOfWorkFactory
from tests.storage.beyond_ports import audit_trail

AT = datetime(2025, 3, 1, tzinfo=UTC)


async def records_are_appended_with_their_details(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        staff = await uow.accounts.get_or_create(101, 101, "en")
        details = {"rows": 3, "nested": {"a": [1, None]}, "name": "王秀英", "ok": True}
        await uow.audit.record(staff.id, "staff.export", "unit:5", details, AT)
        await uow.audit.record(None, "import_roster", "roster.csv", {}, AT + timedelta(seconds=1))
        await uow.commit()
    async with uow_factory() as uow:
        # Recorded in another zone, the same instant.
        later = (AT + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=8)))
        await uow.audit.record(staff.id, "account.unlinked", f"account:{staff.id}", {}, later)
        await uow.commit()
    async with uow_factory() as uow:
        assert await audit_trail(uow) == [
            (staff.id, "staff.export", "unit:5", details, AT),
            (None, "import_roster", "roster.csv", {}, AT + timedelta(seconds=1)),
            (staff.id, "account.unlinked", f"account:{staff.id}", {}, AT + timedelta(minutes=1)),
        ]


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.audit.record(None, "kept", "x", {}, AT)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.audit.record(None, "dropped", "x", {}, AT)
        # no commit: the action failed, so it did not happen
    async with uow_factory() as uow:
        assert [action for _, action, *_ in await audit_trail(uow)] == ["kept"]


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    records_are_appended_with_their_details,
    nothing_is_kept_without_a_commit,
)
