"""The update path shared by both adapters: a framework's Update -> Event -> core.handle -> each Action
through the Messenger, in order, one chat at a time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

from bot.actions import Action, NewMessage, SendDocument
from bot.events import Event
from bot.ports import (
    DeliveryError,
    Limiter,
    Messenger,
    RateLimited,
    RecipientBlocked,
    StorageUnavailable,
)
from handlers.bot_api_shape import Update
from handlers.event_builder import to_event
from handlers.ordering import ChatSequencer

log = logging.getLogger(__name__)

# An interactive reply is worth a short wait; a longer one is better dropped than delivered out of context.
_MAX_RETRY_WAIT = 5.0
_MAX_ATTEMPTS = 3
# While the database is away an update is tried again after this long, doubling up to the maximum.
_STORAGE_RETRY_FIRST_S = 0.25
_STORAGE_RETRY_MAX_S = 5.0


class Core(Protocol):
    async def handle(self, event: Event) -> Sequence[Action]: ...


DEFAULT_CORE_CONCURRENCY = 2
DEFAULT_IN_FLIGHT = 8


class UpdatePipeline:
    """Two bounds keep a burst of chats from slowing everyone down (see handlers/bench for the figures):
    `in_flight` updates are processed at once (many concurrent sends cost more than they overlap:
    httpx in particular halves its throughput with 200 open requests), and of those `core_concurrency`
    are inside `core.handle` (every update writes, and SQLite has a single writer; PostgreSQL
    deployments can raise it towards the connection pool size).

    `limiter`: the sending budget this process shares with its outbox sender (and, through Redis, with
    every sender of the bot). A reply that posts a message takes its slot ahead of the broadcast
    messages waiting, so that a city-wide notice going out at Telegram's limit neither delays the
    people writing to the bot by more than a slot nor pushes the bot over the limit."""

    def __init__(
        self,
        core: Core,
        messenger: Messenger,
        *,
        core_concurrency: int = DEFAULT_CORE_CONCURRENCY,
        in_flight: int = DEFAULT_IN_FLIGHT,
        sequencer: ChatSequencer | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self._core = core
        self._messenger = messenger
        self._limiter = limiter
        self._sequencer = sequencer or ChatSequencer()
        self._core_slots = asyncio.Semaphore(core_concurrency)
        self._slots = asyncio.Semaphore(max(in_flight, core_concurrency))
        self._storage_back = asyncio.Event()
        self._storage_back.set()
        self._away_since = 0.0

    def _storage_went_away(self, event: Event) -> None:
        if self._storage_back.is_set():
            self._storage_back.clear()
            self._away_since = time.monotonic()
            log.warning(
                "the database does not answer (update %s in chat %s): updates wait for it and are "
                "answered once it does",
                event.update_id,
                event.chat_id,
            )

    def _storage_answers(self) -> None:
        if not self._storage_back.is_set():
            self._storage_back.set()
            log.warning(
                "the database answers again after %.1fs: handling the updates that waited",
                time.monotonic() - self._away_since,
            )

    @property
    def storage_away(self) -> bool:
        """True while an update waits for the database to answer again."""
        return not self._storage_back.is_set()

    def refuse_while_storage_away(self) -> None:
        """For a webhook: raise StorageUnavailable while the database is away, so that the update is
        answered with a 5xx and Telegram delivers it again later, instead of it waiting in memory."""
        if self.storage_away:
            raise StorageUnavailable("the database does not answer; send this update again later")

    async def submit_update(self, update: Update, bot_username: str | None) -> None:
        """`submit` the event of either framework's update; one the bot does not answer (an edit, a
        command for another bot, ...: `to_event`) goes no further."""
        event = to_event(update, bot_username)
        if event is None:
            log.debug("update %s ignored", update.update_id)
            return
        await self.submit(event)

    async def submit(self, event: Event) -> None:
        """Queue the event behind earlier ones of its chat; returns before it is handled. While the
        database is away it first waits for it: polling then fetches nothing more, so Telegram keeps the
        updates that come meanwhile (a fetch confirms the ones before it) until they can be handled."""
        if self.storage_away:
            await self._storage_back.wait()
        log.debug("update %s queued for chat %s (%s)", event.update_id, event.chat_id, event.kind)
        await self._sequencer.submit(event.chat_id, lambda: self.process(event))

    async def process(self, event: Event) -> None:
        async with self._slots:
            await self._process(event)

    async def _process(self, event: Event) -> None:
        retry_s = _STORAGE_RETRY_FIRST_S
        while True:
            try:
                async with self._core_slots:
                    actions = await self._core.handle(event)
            except StorageUnavailable:
                # Not handled: try the same update again (its chat's later ones wait behind it) until the
                # database answers. Nothing was written, so nothing is done twice.
                self._storage_went_away(event)
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, _STORAGE_RETRY_MAX_S)
                continue
            except Exception:
                log.exception("core failed on update %s in chat %s", event.update_id, event.chat_id)
                return
            break
        self._storage_answers()
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
                if self._limiter is not None and isinstance(action, NewMessage):
                    async with self._limiter.slot(action.chat_id, reply=True):
                        await self._messenger.execute(action)
                else:
                    await self._messenger.execute(action)
                return
            except RateLimited as exc:
                if self._limiter is not None:
                    self._limiter.pause(exc.retry_after)
                if attempt == _MAX_ATTEMPTS or exc.retry_after > _MAX_RETRY_WAIT:
                    raise
                await asyncio.sleep(exc.retry_after)

    async def join(self) -> None:
        await self._sequencer.join()

    async def close(self) -> None:
        await self._sequencer.close()
