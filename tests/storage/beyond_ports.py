"""What a repository contract needs of a store that no port offers, one small function per need, each with a
branch per store: the states only the delivery job gives outbox messages, and the audit trail, which the
core writes and never reads. The contracts call these instead of reaching into a store themselves. Each
works on the unit of work it is given (a check still takes nothing but a unit-of-work factory), and a store
without a branch here fails loudly rather than passing unchecked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update

from bot.domain.outbox import OutboxStatus
from bot.ports import UnitOfWork
from storage.models import AuditLogRow, OutboxRow
from storage.uow import SqlUnitOfWork
from tests.fakes import FakeUnitOfWork


class Delivery(StrEnum):
    """What the delivery job (storage.repositories.delivery_queue) makes of a queued message."""

    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    QUIET_HOURS = "quiet hours"  # back in the queue until the recipient's quiet hours end


# Each outcome as the delivery job writes it: the message's status, and whether it waits for quiet hours.
_WRITTEN = {
    Delivery.SENDING: (OutboxStatus.SENDING, False),
    Delivery.SENT: (OutboxStatus.SENT, False),
    Delivery.FAILED: (OutboxStatus.FAILED, False),
    Delivery.UNREACHABLE: (OutboxStatus.UNREACHABLE, False),
    Delivery.QUIET_HOURS: (OutboxStatus.QUEUED, True),
}


async def delivered(uow: UnitOfWork, outcomes: Mapping[str, Delivery]) -> None:
    """Give the messages with these dedupe keys these outcomes, in this unit of work, as the delivery job
    records them."""
    if isinstance(uow, SqlUnitOfWork):
        for key, outcome in outcomes.items():
            status, quiet = _WRITTEN[outcome]
            result = await uow.session.execute(
                update(OutboxRow)
                .where(OutboxRow.dedupe_key == key)
                .values(status=status.value, held_for_quiet=quiet)
                .execution_options(synchronize_session=False)
            )
            assert getattr(result, "rowcount", 0) == 1, f"no outbox message {key!r}"
    elif isinstance(uow, FakeUnitOfWork):
        state = uow.working
        for key, outcome in outcomes.items():
            assert key in state.outbox, f"no outbox message {key!r}"
            status, quiet = _WRITTEN[outcome]
            state.outbox_status[key] = status
            if quiet:
                state.outbox_quiet.add(key)
            else:
                state.outbox_quiet.discard(key)
    else:
        raise TypeError(f"no way to deliver in {type(uow).__name__}")


AuditEntry = tuple[int | None, str, str, dict[str, Any], datetime]  # actor, action, target, details, at


async def audit_trail(uow: UnitOfWork) -> list[AuditEntry]:
    """Everything the audit log holds, as this unit of work sees it, in the order it was recorded."""
    if isinstance(uow, SqlUnitOfWork):
        rows = await uow.session.scalars(select(AuditLogRow).order_by(AuditLogRow.id))
        return [(r.actor_account_id, r.action, r.target, r.details, r.at) for r in rows]
    if isinstance(uow, FakeUnitOfWork):
        return [(e["actor"], e["action"], e["target"], e["details"], e["at"]) for e in uow.working.audit]
    raise TypeError(f"no audit trail in {type(uow).__name__}")
