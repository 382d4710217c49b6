"""The bot's access to the answerer: built once per process (off the event loop), with the passages of
ingested notices loaded from the database and refreshed now and then, so a new notice needs no restart."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import I18n
from bot.knowledge.model import Passage

if TYPE_CHECKING:
    from bot.knowledge.answerer import Answerer

log = logging.getLogger(__name__)
PassageLoader = Callable[[], Awaitable[Sequence[Passage]]]
REFRESH_SECONDS = 300.0

_built: dict[Path | None, Answerer] = {}


def shared_answerer(profile: Path | None = None, i18n: I18n | None = None) -> Answerer:
    """One answerer per region profile per process: the knowledge base never changes while it runs."""
    answerer = _built.get(profile)
    if answerer is None:
        from bot.knowledge import load_answerer

        answerer = _built[profile] = load_answerer(profile, i18n=i18n)
    return answerer


class KnowledgeProvider:
    def __init__(
        self,
        profile: Path | None = None,
        passages: PassageLoader | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        *,
        i18n: I18n | None = None,
    ) -> None:
        self._profile = profile
        self._i18n = i18n
        self._load_passages = passages
        self._refresh = refresh_seconds
        self._lock = asyncio.Lock()
        self._loaded_at: float | None = None

    async def get(self) -> Answerer:
        async with self._lock:
            answerer = _built.get(self._profile)
            if answerer is None:
                answerer = await asyncio.to_thread(shared_answerer, self._profile, self._i18n)
            stale = self._loaded_at is None or time.monotonic() - self._loaded_at > self._refresh
            if self._load_passages is not None and stale:
                self._loaded_at = time.monotonic()
                try:
                    answerer.set_passages(await self._load_passages())
                except Exception as exc:  # the curated answers still work without the notices
                    log.warning("could not load ingested passages: %s", type(exc).__name__)
            return answerer
