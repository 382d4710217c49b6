"""The update path shared by both adapters: Event -> core.handle -> each Action through the Messenger,
in order, one chat at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from bot.actions import Action, SendDocument
from bot.events import Event
from bot.ports import DeliveryError, Messenger, RateLimited, RecipientBlocked
from handlers.ordering import ChatSequencer

log = logging.getLogger(__name__)

# An interactive reply is worth a short wait; a longer one is better dropped than delivered out of context.
_MAX_RETRY_WAIT = 5.0
_MAX_ATTEMPTS = 3


class Core(Protocol):
    async def handle(self, event: Event) -> Sequence[Action]: ...


DEFAULT_CORE_CONCURRENCY = 2
DEFAULT_IN_FLIGHT = 8


class UpdatePipeline:
    """Two bounds keep a burst of chats from slowing everyone down (see handlers/bench for the figures):
    `in_flight` updates are processed at once (many concurrent sends cost more than they overlap:
    httpx in particular halves its throughput with 200 open requests), and of those `core_concurrency`
    are inside `core.handle` (every update writes, and SQLite has a single writer; PostgreSQL
    deployments can raise it towards the connection pool size)."""

    def __init__(
        self,
        core: Core,
        messenger: Messenger,
        *,
        core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
        in_flight: int = DEFAULT_IN_FLIGHT,
        sequencer: ChatSequencer | None = None,
    ) -> None:
        self._core = core
        self._messenger = messenger
        self._sequencer = sequencer or ChatSequencer()
        self._core_slots = asyncio.Semaphore(core_concurrency)
        self._slots = asyncio.Semaphore(max(in_flight, core_concurrency))

    async def submit(self, event: Event) -> None:
        """Queue the event behind earlier ones of its chat; returns before it is handled."""
        log.debug("update %s queued for chat %s (%s)", event.update_id, event.chat_id, event.kind)
        await self._sequencer.submit(event.chat_id, lambda: self.process(event))

    async def process(self, event: Event) -> None:
        async with self._slots:
            await self._process(event)

    async def _process(self, event: Event) -> None:
        try:
            async with self._core_slots:
                actions = await self._core.handle(event)
        except Exception:
            log.exception("core failed on update %s in chat %s", event.update_id, event.chat_id)
            return
        try:
            for action in actions:
                try:
                    await self._execute(action)
                except RecipientBlocked:
                    log.info("chat %s blocked the bot (update %s)", event.chat_id, event.update_id)
                    return
                except DeliveryError as exc:
                    log.warning(
                        "update %s in chat %s: %s failed: %s",
                        event.update_id,
                        event.chat_id,
                        exc.method,
                        exc.description,
                    )
        finally:
            # A document written for this reply (an export) is not needed once sent or given up.
            for action in actions:
                if isinstance(action, SendDocument):
                    action.discard()

    async def _execute(self, action: Action) -> None:
        for attempt in range(1, _MAX_ATTEMPTS + 1):
            try:
                await self._messenger.execute(action)
                return
            except RateLimited as exc:
                if attempt == _MAX_ATTEMPTS or exc.retry_after > _MAX_RETRY_WAIT:
                    raise
                await asyncio.sleep(exc.retry_after)

    async def join(self) -> None:
        await self._sequencer.join()

    async def close(self) -> None:
        await self._sequencer.close()
