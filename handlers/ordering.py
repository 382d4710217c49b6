"""Per-chat ordering: the jobs of one chat run one after another in submission order, while different
chats proceed concurrently.

Both frameworks hand us updates in order; submitting is synchronous up to the point where the job is
queued, so a chat's order is fixed before anything can interleave.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class ChatSequencer:
    def __init__(self, max_pending: int = 5000, grace: float = 10.0) -> None:
        self._grace = grace
        self._queues: dict[int, deque[Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._pending = 0
        self._max_pending = max_pending
        self._idle = asyncio.Event()
        self._idle.set()
        self._room = asyncio.Event()
        self._room.set()

    @property
    def pending(self) -> int:
        return self._pending

    async def submit(self, chat_id: int, job: Job) -> None:
        """Queue `job` behind the chat's earlier jobs; wait only when too much work is pending overall,
        which slows the update source down instead of buffering without bound."""
        queue = self._queues.get(chat_id)
        if queue is None:
            queue = self._queues[chat_id] = deque()
            worker = asyncio.create_task(self._run(chat_id, queue), name=f"chat-{chat_id}")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        queue.append(job)
        self._pending += 1
        self._idle.clear()
        if self._pending >= self._max_pending:
            self._room.clear()
            await self._room.wait()

    async def _run(self, chat_id: int, queue: deque[Job]) -> None:
        try:
            while queue:
                try:
                    await queue[0]()
                except Exception:
                    log.exception("job for chat %s failed", chat_id)
                queue.popleft()
                self._done(1)
        finally:
            # Reached with an empty queue (no await since it was seen empty, so nothing was appended
            # meanwhile) or on cancellation, when the jobs left behind are dropped.
            del self._queues[chat_id]
            self._done(len(queue))

    def _done(self, count: int) -> None:
        self._pending -= count
        if self._pending < self._max_pending:
            self._room.set()
        if self._pending == 0:
            self._idle.set()

    async def join(self) -> None:
        """Wait until every submitted job has run."""
        await self._idle.wait()

    async def close(self) -> None:
        """Let queued jobs finish for up to `grace` seconds, then cancel what is left."""
        try:
            await asyncio.wait_for(self.join(), self._grace)
        except TimeoutError:
            log.warning("cancelling %d unfinished jobs at shutdown", self._pending)
            for worker in list(self._workers):
                worker.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
