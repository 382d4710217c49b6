"""The port the sender works against; storage.repositories.delivery_queue.SqlDeliveryQueue implements it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.outbox import DeliveryReport, OutboxItem


class DeliveryQueue(Protocol):
    async def requeue_expired(self, now: datetime) -> int: ...
    async def requeue_unheld(self, worker: str, held: list[int]) -> int:
        """Requeue rows this worker claimed but does not hold (a claim whose answer was lost)."""
        ...

    async def claim(
        self, worker: str, now: datetime, limit: int, lease_until: datetime
    ) -> list[OutboxItem]: ...
    async def record(self, worker: str, report: DeliveryReport, now: datetime) -> None: ...
    async def extend(self, worker: str, ids: list[int], lease_until: datetime) -> int:
        """Renew this worker's lease on rows it still holds; returns how many it still held."""
        ...

    async def pending(self) -> int: ...
    async def due_by(self, when: datetime) -> int:
        """Rows queued and due by `when`, plus rows being sent: what a drain still waits for."""
        ...
