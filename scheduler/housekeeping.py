"""Pruning bookkeeping tables that only need to remember recent events."""

from __future__ import annotations

import logging
from datetime import timedelta

from scheduler.context import JobContext

log = logging.getLogger(__name__)

# Telegram hands out update ids in sequence but may restart the sequence after a week without updates;
# remembering ids much longer than the 24 hours Telegram keeps undelivered updates would then swallow new
# updates as "redeliveries". Three days covers any redelivery with a wide margin and stays under a week.
PROCESSED_UPDATES_KEPT = timedelta(days=3)
# The identification rule counts failures in the last hour; a day keeps them for a look after an incident.
LOGIN_ATTEMPTS_KEPT = timedelta(days=1)


async def housekeeping(ctx: JobContext) -> None:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        updates = await uow.updates.prune(now - PROCESSED_UPDATES_KEPT)
        attempts = await uow.login_attempts.prune(now - LOGIN_ATTEMPTS_KEPT)
        await uow.commit()
    log.info("housekeeping: pruned %d processed update ids, %d login attempts", updates, attempts)
