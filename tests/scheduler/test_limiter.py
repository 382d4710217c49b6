from __future__ import annotations

import asyncio

from scheduler.delivery.limiter import Limits, SendLimiter, Window
from tests.waiting import wait_until


class HandClock:
    """Monotonic seconds that move only when the test moves them, and sleeps that end when they pass: the
    limiter's waits take no wall time, and nothing depends on how busy the machine is."""

    def __init__(self) -> None:
        self.now = 100.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        entry = (self.now + seconds, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)

    @property
    def sleeping(self) -> int:
        return sum(1 for _, future in self._sleepers if not future.done())

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for until, future in self._sleepers:
            if until <= self.now and not future.done():
                future.set_result(None)

    def advance_to_next_wake(self) -> None:
        self.advance(min(until for until, f in self._sleepers if not f.done()) - self.now)


def limiter_on(clock: HandClock, limits: Limits) -> SendLimiter:
    return SendLimiter(limits, now=clock, sleep=clock.sleep)


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
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=1000))
    limiter.release(await limiter.acquire(42))
    waiting = asyncio.create_task(limiter.acquire(42))
    await wait_until(lambda: clock.sleeping == 1)
    clock.advance(0.5)
    assert clock.sleeping == 1  # half a second on: still waiting
    assert not waiting.done()
    clock.advance(0.5)
    await asyncio.wait_for(waiting, 10)


async def test_groups_also_count_per_minute() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=1000, per_chat_per_s=100, per_group_per_min=2))
    for _ in range(2):
        limiter.release(await limiter.acquire(-5))
    third = asyncio.create_task(limiter.acquire(-5))
    await wait_until(lambda: clock.sleeping == 1)
    assert not third.done()  # the group's minute is full; a private chat still goes
    limiter.release(await asyncio.wait_for(limiter.acquire(5), 10))
    clock.advance(59.5)
    assert not third.done()
    clock.advance(0.5)
    limiter.release(await asyncio.wait_for(third, 10))


async def test_a_pause_holds_every_chat() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=1000))
    limiter.pause(0.5)
    both = asyncio.gather(limiter.acquire(7), limiter.acquire(8))
    await wait_until(lambda: clock.sleeping == 1)  # the first in line waits out the pause
    clock.advance(0.25)
    assert not both.done()
    clock.advance(0.25)
    await asyncio.wait_for(both, 10)
    assert limiter.pauses == 1


async def test_the_global_rate_is_never_exceeded_in_any_window() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=50, per_chat_per_s=1))
    starts: list[float] = []

    async def send(chat: int) -> None:
        async with limiter.slot(chat):
            starts.append(clock.now)  # read in the same step as the limiter's own reading

    sending = asyncio.gather(*(send(chat) for chat in range(120)))
    while not sending.done():
        # Only the head of the line ever sleeps here; move the clock to the moment it wakes.
        await wait_until(lambda: clock.sleeping == 1 or sending.done())
        if not sending.done():
            clock.advance_to_next_wake()
    await sending

    assert len(starts) == 120
    # Any 50 consecutive starts span at least a second (the 51st waits for the 1st's slot), and the
    # limiter waits no longer than that: 120 sends at 50 a second take two seconds.
    assert all(starts[i + 50] - starts[i] >= 1.0 for i in range(len(starts) - 50))
    assert starts[-1] - starts[0] == 2.0


async def test_a_reply_does_not_wait_behind_the_broadcast_in_line() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=1))
    limiter.release(await limiter.acquire(1))
    order: list[str] = []

    async def send(name: str, chat: int, *, reply: bool = False) -> None:
        async with limiter.slot(chat, reply=reply):
            order.append(name)

    sending = [asyncio.create_task(send(f"notice {n}", 10 + n)) for n in range(4)]
    await wait_until(lambda: clock.sleeping == 1)  # the head of the line waits for the window
    sending.append(asyncio.create_task(send("reply", 99, reply=True)))
    await wait_until(lambda: clock.sleeping == 2)  # and the reply beside it, not at the line's end
    while not all(task.done() for task in sending):
        await wait_until(lambda: clock.sleeping >= 1 or all(t.done() for t in sending))
        if clock.sleeping:
            clock.advance_to_next_wake()
    # One notice was already waiting for the slot the reply waited for; the other three go after it.
    assert order.index("reply") <= 1
    assert [name for name in order if name != "reply"] == [f"notice {n}" for n in range(4)]


async def test_a_reply_is_not_held_by_its_chats_second_but_a_notice_after_it_is() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=100))
    limiter.release(await limiter.acquire(7, reply=True))
    # A second message of the same answer goes at once: no sleep on the hand clock.
    limiter.release(await asyncio.wait_for(limiter.acquire(7, reply=True), 1))
    notice = asyncio.create_task(limiter.acquire(7))
    await wait_until(lambda: clock.sleeping == 1)
    clock.advance(0.5)
    assert not notice.done()
    clock.advance(0.5)
    limiter.release(await asyncio.wait_for(notice, 10))


async def test_a_notice_waiting_for_the_global_window_keeps_the_second_of_a_reply_that_went_first() -> None:
    clock = HandClock()
    limiter = limiter_on(clock, Limits(global_per_s=2))
    for chat in (1, 2):
        limiter.release(await limiter.acquire(chat))  # the global window is full for a second
    reply = asyncio.create_task(limiter.acquire(7, reply=True))
    await wait_until(lambda: clock.sleeping == 1)
    notice = asyncio.create_task(limiter.acquire(7))
    await wait_until(lambda: clock.sleeping == 2)
    clock.advance(1.0)  # both global slots free: the reply takes one, and its chat's second
    limiter.release(await asyncio.wait_for(reply, 10))
    await wait_until(lambda: clock.sleeping == 1)
    assert not notice.done()  # the global window has room, the chat's second does not
    clock.advance(1.0)
    limiter.release(await asyncio.wait_for(notice, 10))
