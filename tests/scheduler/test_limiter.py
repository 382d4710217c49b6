from __future__ import annotations

import asyncio

from scheduler.delivery.limiter import Limits, SendLimiter, Window


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_slot_stays_taken_until_a_span_after_its_call_ended() -> None:
    window = Window(limit=2, span=1.0)
    assert window.wait(0.0) == 0.0
    window.take()
    window.take()
    assert window.wait(0.0) is None  # both running: only their end can free a slot
    window.give_back(0.5)
    assert window.wait(0.6) == 0.9  # frees at 0.5 + 1.0
    assert window.wait(1.5) == 0.0


def test_an_idle_window_is_forgotten() -> None:
    window = Window(limit=1, span=1.0)
    window.take()
    window.give_back(1.0)
    assert not window.idle(1.5)
    assert window.idle(2.0)


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    ticks = Ticks()
    limiter = SendLimiter(Limits(global_per_s=1000), now=ticks)
    windows = await limiter.acquire(42)
    limiter.release(windows)
    waiting = asyncio.create_task(limiter.acquire(42))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    ticks.now += 1.0
    await asyncio.wait_for(waiting, 2)


async def test_groups_also_count_per_minute() -> None:
    ticks = Ticks()
    limiter = SendLimiter(Limits(global_per_s=1000, per_chat_per_s=100, per_group_per_min=2), now=ticks)
    for _ in range(2):
        limiter.release(await limiter.acquire(-5))
    third = asyncio.create_task(limiter.acquire(-5))
    await asyncio.sleep(0.05)
    assert not third.done()  # the group's minute is full; a private chat still goes
    limiter.release(await asyncio.wait_for(limiter.acquire(5), 1))
    third.cancel()


async def test_a_pause_holds_every_chat() -> None:
    limiter = SendLimiter(Limits(global_per_s=1000))
    loop = asyncio.get_running_loop()
    started = loop.time()
    limiter.pause(0.3)
    await asyncio.gather(limiter.acquire(7), limiter.acquire(8))
    assert loop.time() - started >= 0.29
    assert limiter.pauses == 1


async def test_the_global_rate_is_never_exceeded_in_any_window() -> None:
    limiter = SendLimiter(Limits(global_per_s=50, per_chat_per_s=1))
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def send(chat: int) -> None:
        async with limiter.slot(chat):
            starts.append(loop.time())
            await asyncio.sleep(0.001)

    await asyncio.gather(*(send(chat) for chat in range(120)))
    starts.sort()
    # Any 50 consecutive starts span at least a second (the 51st waits for the 1st's slot).
    assert all(starts[i + 50] - starts[i] >= 1.0 for i in range(len(starts) - 50))
