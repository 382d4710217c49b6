from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from handlers.ordering import ChatSequencer
from tests.waiting import wait_until

SEED = 20250301


async def test_one_chat_runs_in_submission_order_while_chats_overlap() -> None:
    sequencer = ChatSequencer()
    pauses = random.Random(SEED)
    seen: dict[int, list[int]] = {1: [], 2: []}
    running = 0
    most_running = 0

    def job(chat: int, n: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            nonlocal running, most_running
            running += 1
            most_running = max(most_running, running)
            # Random lengths of work (not a wait for anything), so that jobs run out of order would show.
            await asyncio.sleep(pauses.uniform(0, 0.003))
            seen[chat].append(n)
            running -= 1

        return run

    for n in range(20):
        await sequencer.submit(1, job(1, n))
        await sequencer.submit(2, job(2, n))
    await sequencer.join()

    assert seen == {1: list(range(20)), 2: list(range(20))}
    assert most_running == 2
    assert sequencer.pending == 0


async def test_a_failing_job_does_not_stop_the_chat() -> None:
    sequencer = ChatSequencer()
    done: list[str] = []

    async def boom() -> None:
        raise RuntimeError("boom")

    async def fine() -> None:
        done.append("fine")

    await sequencer.submit(7, boom)
    await sequencer.submit(7, fine)
    await sequencer.join()

    assert done == ["fine"]


async def test_submit_waits_while_the_pending_limit_is_reached() -> None:
    sequencer = ChatSequencer(max_pending=2)
    gate = asyncio.Event()

    async def blocked() -> None:
        await gate.wait()

    await asyncio.wait_for(sequencer.submit(1, blocked), 1)
    second = asyncio.create_task(sequencer.submit(2, blocked))
    # Counting the job is the last thing submit does before it waits for room.
    await wait_until(lambda: sequencer.pending == 2)
    assert not second.done()

    gate.set()
    await asyncio.wait_for(second, 1)
    await sequencer.join()
    assert sequencer.pending == 0


async def test_close_cancels_jobs_that_outlast_the_grace_period() -> None:
    sequencer = ChatSequencer(grace=0.05)
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    await sequencer.submit(1, forever)
    await started.wait()

    await asyncio.wait_for(sequencer.close(), 1)

    assert sequencer.pending == 0
