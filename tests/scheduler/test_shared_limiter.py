"""The sending budget shared through Redis (scheduler/delivery/shared_limiter.py): several limiters, as
separate processes would hold them (each its own client), never let more calls through than one would,
a 429 seen by one pauses all, and Redis going away or coming back empty never lets a burst through."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import cast

import pytest
from redis.asyncio import Redis

from scheduler.delivery.limiter import Limits, SendingStopped
from scheduler.delivery.shared_limiter import SharedSendLimiter, bot_id
from tests.proxy import CuttableProxy, cuttable
from tests.redis_support import RedisSpace, client
from tests.waiting import wait_until

pytestmark = pytest.mark.redis

BOT = 424242


@asynccontextmanager
async def limiters(
    space: RedisSpace, count: int, limits: Limits, url: str | None = None
) -> AsyncIterator[list[SharedSendLimiter]]:
    async with AsyncExitStack() as stack:
        found = []
        for n in range(count):
            redis = client(url or space.url)
            stack.push_async_callback(redis.aclose)
            limiter = SharedSendLimiter(redis, BOT, limits, name=f"s{n}", hold_s=5.0, prefix=space.prefix)
            stack.push_async_callback(limiter.close)
            found.append(limiter)
        yield found


@asynccontextmanager
async def one_limiter_behind_a_proxy(
    space: RedisSpace,
) -> AsyncIterator[tuple[CuttableProxy, SharedSendLimiter]]:
    """A limiter whose Redis connection goes through a proxy the test can cut and restore."""
    async with cuttable("127.0.0.1", 6379) as proxy:
        url = f"redis://127.0.0.1:{proxy.port}/0"
        async with limiters(space, 1, Limits(global_per_s=100), url=url) as (limiter,):
            yield proxy, limiter


def most_at_once(intervals: list[tuple[float, float]], span: float) -> int:
    """The most calls whose slot ([taken, given back + span)) covers one instant: never above the limit."""
    return max(sum(1 for s, e in intervals if s <= start < e + span) for start, _ in intervals)


def test_the_budget_is_keyed_by_the_bots_id_never_its_token() -> None:
    assert bot_id("123456:AAsecret") == 123456
    with pytest.raises(ValueError, match="token"):
        bot_id("not-a-token")


async def test_three_senders_together_stay_within_one_global_limit(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    intervals: list[tuple[float, float]] = []

    async def call(limiter: SharedSendLimiter, chat: int) -> None:
        async with limiter.slot(chat):
            started = time.monotonic()
            await asyncio.sleep(0.005)
            intervals.append((started, time.monotonic()))

    async with limiters(redis_space, 3, Limits(global_per_s=10)) as three:
        await asyncio.wait_for(asyncio.gather(*(call(three[n % 3], 1000 + n) for n in range(30))), 30)
    assert len(intervals) == 30
    assert most_at_once(intervals, 1.0) <= 10
    # Not one limit each: 30 calls at 10 a second (a slot busy a second after its call) take 2 s and more.
    assert max(e for _, e in intervals) - min(s for s, _ in intervals) >= 1.9
    keys = [key async for key in redis_space.redis.scan_iter(match=f"{redis_space.prefix}:*")]
    assert all(f"{{{BOT}}}" in key.decode() for key in keys)


async def test_one_round_trip_takes_the_slots_of_every_call_waiting_in_line(
    redis_space: RedisSpace,
) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 1, Limits(global_per_s=100)) as (limiter,):
        taken = await asyncio.wait_for(asyncio.gather(*(limiter.acquire(2000 + n) for n in range(50))), 10)
        for one in taken:
            await limiter.release(one)
    assert len({one.member for one in taken}) == 50
    assert limiter.take_round_trips <= 2


async def test_a_call_behind_one_to_the_same_chat_waits_its_second_and_lets_others_by(
    redis_space: RedisSpace,
) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 1, Limits(global_per_s=100)) as (limiter,):
        taken_at: dict[str, float] = {}

        async def call(name: str, chat: int) -> None:
            async with limiter.slot(chat):
                taken_at[name] = time.monotonic()

        await asyncio.wait_for(asyncio.gather(call("first", 9), call("second", 9), call("other", 10)), 10)
    assert taken_at["other"] - taken_at["first"] < 0.5
    assert taken_at["second"] - taken_at["first"] >= 0.95


async def test_a_call_cancelled_while_waiting_in_line_leaves_no_slot_taken(
    redis_space: RedisSpace,
) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 1, Limits(global_per_s=1)) as (limiter,):
        first = await limiter.acquire(1)
        waiting = asyncio.create_task(limiter.acquire(2))
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await limiter.release(first)
        released = time.monotonic()
        async with limiter.slot(3):
            waited = time.monotonic() - released
    # The window's one slot is free a second after the first call; the cancelled one held nothing
    # (a slot left taken would be busy for the whole hold, 6 s here).
    assert 0.9 <= waited < 3.0


async def test_a_reply_goes_ahead_of_the_calls_waiting_in_line(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 1, Limits(global_per_s=2)) as (limiter,):
        held = [await limiter.acquire(n) for n in (1, 2)]  # the window is full
        order: list[str] = []

        async def send(name: str, chat: int, *, reply: bool = False) -> None:
            async with limiter.slot(chat, reply=reply):
                order.append(name)

        broadcast = [asyncio.create_task(send(f"notice {n}", 10 + n)) for n in range(3)]
        await asyncio.sleep(0.1)
        reply = asyncio.create_task(send("reply", 99, reply=True))
        await asyncio.sleep(0.1)
        for taken in held:
            await limiter.release(taken)
        await asyncio.wait_for(asyncio.gather(reply, *broadcast), 10)
    assert order[0] == "reply"
    assert order[1:] == ["notice 0", "notice 1", "notice 2"]


async def test_a_reply_is_not_held_by_its_chats_second_but_a_notice_after_it_is(
    redis_space: RedisSpace,
) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 2, Limits(global_per_s=100)) as (run, worker):
        started = time.monotonic()
        for _ in range(2):  # two messages of one answer
            async with run.slot(77, reply=True):
                pass
        answered = time.monotonic()
        async with worker.slot(77):
            waited = time.monotonic() - answered
    assert answered - started < 0.5
    assert waited >= 0.95


async def test_a_chats_second_is_shared_by_every_sender(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 2, Limits(global_per_s=100)) as (first, second):
        async with first.slot(77):
            pass
        released = time.monotonic()
        async with second.slot(77):
            waited = time.monotonic() - released
    assert waited >= 0.95


async def test_a_429_at_one_sender_pauses_every_sender(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 2, Limits(global_per_s=100)) as (first, second):
        paused = time.monotonic()
        first.pause(0.6)
        await wait_until(lambda: not first._pausing, message="the pause reached Redis")
        async with second.slot(5):
            waited = time.monotonic() - paused
        state = await second.state()
    assert waited >= 0.55  # the pause runs 0.6 s from when Redis got it, after `paused`
    assert state["bot"] == BOT


async def test_redis_restarted_empty_keeps_every_window_full_for_a_span(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    async with limiters(redis_space, 1, Limits(global_per_s=100)) as (limiter,):
        async with limiter.slot(1):
            pass
        # The restart of a Redis without persistence, as the limiter sees it: every key gone.
        keys = [key async for key in redis_space.redis.scan_iter(match=f"{redis_space.prefix}:*")]
        await redis_space.redis.delete(*keys)
        forgotten = time.monotonic()
        async with limiter.slot(2):
            waited = time.monotonic() - forgotten
    # The calls just before the restart are unknown to Redis now: a full span passes before the next.
    assert waited >= 0.95


async def test_redis_away_pauses_sending_and_it_resumes_when_redis_answers(
    redis_space: RedisSpace, caplog: pytest.LogCaptureFixture
) -> None:
    await redis_space.forget_start(BOT)
    async with one_limiter_behind_a_proxy(redis_space) as (proxy, limiter):
        async with limiter.slot(1):
            pass
        await proxy.cut()
        waiting = asyncio.create_task(limiter.acquire(2))
        await wait_until(lambda: limiter.outages == 1, message="the limiter noticed Redis is away")
        assert not waiting.done()  # nothing goes out on a budget nobody can check
        await proxy.restore()
        taken = await asyncio.wait_for(waiting, 15)
        await limiter.release(taken)
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith("shared_limiter")]
    assert len([w for w in warnings if "does not answer" in w]) == 1
    assert any("answers again" in w for w in warnings)


async def test_a_slot_waiting_for_redis_gives_up_when_its_sender_stops(redis_space: RedisSpace) -> None:
    async with one_limiter_behind_a_proxy(redis_space) as (proxy, limiter):
        await proxy.cut()
        stop = asyncio.Event()
        waiting = asyncio.create_task(limiter.acquire(2, stop))
        await wait_until(lambda: limiter.outages == 1)
        stop.set()
        with pytest.raises(SendingStopped):
            await asyncio.wait_for(waiting, 10)


async def test_while_redis_is_away_replies_go_out_alone_and_the_outbox_waits(redis_space: RedisSpace) -> None:
    await redis_space.forget_start(BOT)
    async with one_limiter_behind_a_proxy(redis_space) as (proxy, limiter):
        async with limiter.slot(1):
            pass
        await proxy.cut()
        notice = asyncio.create_task(limiter.acquire(2))
        in_line = asyncio.create_task(limiter.acquire(3, reply=True))  # before the outage is noticed
        await asyncio.wait_for(in_line, 15)
        assert limiter.outages == 1
        async with asyncio.timeout(1):  # the outage known: no round trip tried for a reply
            async with limiter.slot(4, reply=True):
                pass
        await limiter.release(in_line.result())
        assert not notice.done()  # nothing from the outbox goes out on a budget nobody can check
        await proxy.restore()
        await limiter.release(await asyncio.wait_for(notice, 15))


class _FaultyScripts:
    """A client whose scripts fail with an error that is not Redis going away (a fault in code)."""

    def register_script(self, _script: str) -> Callable[..., Awaitable[object]]:
        async def run(**_: object) -> object:
            raise RuntimeError("a fault")

        return run


async def test_a_fault_in_taking_reaches_the_calls_in_line_instead_of_leaving_them_waiting() -> None:
    limiter = SharedSendLimiter(
        cast(Redis, _FaultyScripts()), BOT, Limits(global_per_s=10), name="s", hold_s=5.0
    )
    for chat in (1, 2):  # and the next call is tried again, not left behind a dead task
        with pytest.raises(RuntimeError, match="a fault"):
            await asyncio.wait_for(limiter.acquire(chat), 5)
