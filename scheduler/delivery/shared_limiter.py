"""Telegram's sending limits for every sender of one bot at once: the windows of limiter.py, kept in Redis.

With REDIS_URL set, every `retiree-bot run` and `worker` of the same bot (on any machine) takes each send
from these windows, so together they stay within DELIVERY_RATE a second, 1 a second per chat and 20 a
minute per group, and a 429 pauses all of them. The keys are named by the bot's id (the number before ':'
in its token; never the token) between braces, so that on a Redis cluster they live on one node.

The rule is the in-process one (limiter.py): a call holds a slot of each window that applies from the
moment it is sent until `span` after its answer, so no `span`-long window of Telegram's clock sees more
than `limit` calls however long the network took. Each window is two sorted sets: `held` (calls in flight,
scored by when their slot frees at the latest: a sender that dies mid-call loses its slots after
`hold_s`) and `done` (calls answered, scored by when their slot frees). Taking and giving back are Lua
scripts, atomic on the server, and use the server's clock: the senders' clocks never meet.

What Redis going away does:
- unreachable: nothing is sent (the outbox keeps every message) until it answers again; one warning when
  it goes, one line when it is back. Slots given back meanwhile are given back once it answers.
- restarted empty (no persistence): the scripts find the bot's `epoch` key gone, and a window younger than
  its span since the new epoch counts as full, so no sender sends for one span (1 s; 60 s to groups)
  instead of adding a burst to the calls made just before the restart that Redis no longer knows.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from scheduler.delivery.limiter import Limits, SendingStopped

log = logging.getLogger(__name__)

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# KEYS: pause, epoch, then held_1, done_1, ..., held_n, done_n
# ARGV: member, hold_ms, n, then limit_1, span_ms_1, ..., limit_n, span_ms_n
# Returns {0, 0} when taken; {wait_ms, scope} otherwise, scope 1 for a chat's or group's window alone,
# 2 for the global window or a pause; wait_ms -1 when only a call in flight can free a slot.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = tonumber(redis.call('GET', KEYS[2]))
if not epoch then
  epoch = now
  redis.call('SET', KEYS[2], now)
end
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {paused - now, 2} end
local member, hold, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local timed, untimed, scope = 0, false, 0
for i = 1, n do
  local held, done = KEYS[1 + 2 * i], KEYS[2 + 2 * i]
  local limit, span = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  local wide = (i == n) and 2 or 1
  if now < epoch + span then
    timed = math.max(timed, epoch + span - now)
    scope = math.max(scope, wide)
  else
    redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
    redis.call('ZREMRANGEBYSCORE', done, '-inf', now)
    if redis.call('ZCARD', held) + redis.call('ZCARD', done) >= limit then
      scope = math.max(scope, wide)
      local first = redis.call('ZRANGE', done, 0, 0, 'WITHSCORES')
      if first[2] then
        timed = math.max(timed, tonumber(first[2]) - now)
      else
        untimed = true
      end
    end
  end
end
if scope > 0 then
  if timed > 0 then return {timed, scope} end
  return {-1, scope}
end
for i = 1, n do
  local held = KEYS[1 + 2 * i]
  redis.call('ZADD', held, now + hold, member)
  redis.call('PEXPIRE', held, hold)
end
return {0, 0}
"""

# Gives back the slots of several calls at once. KEYS: every call's held_i, done_i in turn;
# ARGV: count, then for each call: member, n, span_ms_1, ..., span_ms_n
_GIVE_BACK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local a, k = 2, 1
for _ = 1, tonumber(ARGV[1]) do
  local member, n = ARGV[a], tonumber(ARGV[a + 1])
  for i = 1, n do
    local held, done, span = KEYS[k], KEYS[k + 1], tonumber(ARGV[a + 1 + i])
    redis.call('ZREM', held, member)
    redis.call('ZADD', done, now + span, member)
    redis.call('PEXPIRE', done, span)
    k = k + 2
  end
  a = a + 2 + n
end
return 0
"""

# KEYS: pause; ARGV: ms. The pause only ever grows.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]))
end
return 0
"""

_TAKEN, _CHAT = 0, 1
# Slots of calls that end within this many seconds of one another are given back together.
GIVE_BACK_S = 0.005
_RETRY_FIRST_S, _RETRY_MAX_S = 0.1, 2.0


def bot_id(token: str) -> int:
    """The bot's id: the number before ':' in its token (the rest is the secret, never used as a key)."""
    head, sep, _ = token.partition(":")
    if not sep or not head.isdigit():
        raise ValueError("a bot token looks like 123456:ABC...")
    return int(head)


@dataclass(frozen=True, slots=True)
class _Window:
    held: str
    done: str
    limit: int
    span_ms: int


@dataclass(slots=True)
class Taken:
    member: str
    windows: tuple[_Window, ...]


class SharedSendLimiter:
    """The SendLimiter's interface (`async with limiter.slot(chat_id):`, `pause(seconds)`) on Redis.

    Within a process the callers line up (FIFO) for the global window, so only the head of the line asks
    Redis while it is full; a caller held by its own chat's or group's window waits outside the line.
    """

    def __init__(
        self,
        redis: Redis,
        bot: int,
        limits: Limits,
        *,
        name: str,
        hold_s: float,
        poll_s: float = 0.005,
        prefix: str = "retiree-bot",
        now: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`hold_s`: the longest a call can be in flight (the send timeout); `name` tells this sender's
        slots apart from the others'."""
        self.limits = limits
        self.bot = bot
        self._redis = redis
        self._name = name
        self._hold_ms = int((hold_s + 1.0) * 1000)
        self._poll_s = poll_s
        self._now = now
        self._sleep = sleep
        self._base = f"{prefix}:{{{bot}}}"
        if limits.global_per_s >= 1:
            self._global = self._window("global", int(limits.global_per_s), 1.0)
        else:
            self._global = self._window("global", 1, 1.0 / limits.global_per_s)
        self._pause_key = f"{self._base}:pause"
        self._epoch_key = f"{self._base}:epoch"
        self._take = redis.register_script(_TAKE)
        self._give_back = redis.register_script(_GIVE_BACK)
        self._pause_script = redis.register_script(_PAUSE)
        self._serial = itertools.count()
        self._gate = asyncio.Lock()
        self._paused_until = 0.0
        self._owed: list[Taken] = []  # slots to give back once Redis answers again
        self._ended: list[Taken] = []  # calls answered, their slots not yet given back
        self._giving_back: asyncio.Task[None] | None = None
        self._unreachable_since: float | None = None
        self._retry_s = _RETRY_FIRST_S
        self._pausing: set[asyncio.Task[None]] = set()
        self.pauses = 0
        self.outages = 0

    def _window(self, scope: str, limit: int, span_s: float) -> _Window:
        return _Window(
            f"{self._base}:{scope}:held", f"{self._base}:{scope}:done", limit, round(span_s * 1000)
        )

    def _windows(self, chat_id: int) -> tuple[_Window, ...]:
        windows = [self._window(f"chat:{chat_id}", self.limits.per_chat_per_s, 1.0)]
        if chat_id < 0:
            windows.append(self._window(f"group:{chat_id}", self.limits.per_group_per_min, 60.0))
        windows.append(self._global)  # last: the script tells its waits from the chat's
        return tuple(windows)

    # ------------------------------------------------------------------------------ the interface
    def slot(self, chat_id: int, stop: asyncio.Event | None = None) -> _Slot:
        return _Slot(self, chat_id, stop)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: this sender stops at once, and every other one at its next take."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._now() + seconds)
        task = asyncio.get_running_loop().create_task(self._tell_pause(seconds))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def acquire(self, chat_id: int, stop: asyncio.Event | None = None) -> Taken:
        """Wait for a slot of every window that applies to a call to `chat_id`, and take them."""
        taken = Taken(f"{self._name}:{next(self._serial)}", self._windows(chat_id))
        while True:
            async with self._gate:
                while True:
                    _stopped(stop)
                    local = self._paused_until - self._now()
                    if local > 0:
                        await self._sleep(local)
                        continue
                    result = await self._try(taken)
                    if result is None:  # Redis is away: wait for it, in the line
                        await self._sleep(self._retry_s)
                        self._retry_s = min(_RETRY_MAX_S, self._retry_s * 2)
                        continue
                    wait_ms, scope = result
                    if scope == _TAKEN:
                        return taken
                    if scope == _CHAT:
                        break
                    await self._sleep(wait_ms / 1000 if wait_ms > 0 else self._poll_s)
            # Only this chat's (or group's) own window is full: let the others take the global one.
            await self._sleep(wait_ms / 1000 if wait_ms > 0 else self._poll_s)

    async def release(self, taken: Taken) -> None:
        """Give the call's slots back. Calls ending within GIVE_BACK_S of one another give theirs back in
        one round trip: a slot stays busy those few milliseconds longer (the safe side), and a sender
        makes about one call to Redis a message instead of two."""
        self._ended.append(taken)
        if self._giving_back is None:
            self._giving_back = asyncio.get_running_loop().create_task(self._give_back_soon())

    async def close(self) -> None:
        """Give back what is still held (before the client closes): the next sender need not wait for
        this one's slots to expire."""
        if self._giving_back is not None:
            await asyncio.gather(self._giving_back, return_exceptions=True)
        await asyncio.gather(*self._pausing, return_exceptions=True)

    async def _give_back_soon(self) -> None:
        try:
            await asyncio.sleep(GIVE_BACK_S)
            ended, self._ended = self._ended, []
            try:
                if self._owed:
                    await self._settle_owed()
                await self._call_give_back(ended)
            except RedisError:
                self._owed.extend(ended)  # kept busy until Redis answers: the safe side
                self._went_away()
        finally:
            self._giving_back = None
            if self._ended:
                self._giving_back = asyncio.get_running_loop().create_task(self._give_back_soon())

    async def state(self) -> dict[str, Any]:
        """What `retiree-bot jobs` shows: the global window's use and any pause, as Redis sees them."""
        base = self._global
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.time()
            pipe.zrange(base.held, 0, -1, withscores=True)
            pipe.zrange(base.done, 0, -1, withscores=True)
            pipe.get(self._pause_key)
            pipe.get(self._epoch_key)
            seconds_us, held, done, paused, epoch = await pipe.execute()
        now_ms = seconds_us[0] * 1000 + seconds_us[1] // 1000
        return {
            "bot": self.bot,
            "limit": base.limit,
            "span_s": base.span_ms / 1000,
            "in_flight": sum(1 for _, score in held if score > now_ms),
            "recently_answered": sum(1 for _, score in done if score > now_ms),
            "paused_s": max(0.0, (float(paused) - now_ms) / 1000) if paused else 0.0,
            "epoch_age_s": round((now_ms - float(epoch)) / 1000, 1) if epoch else None,
        }

    # ------------------------------------------------------------------------------ Redis
    async def _try(self, taken: Taken) -> tuple[int, int] | None:
        keys = [self._pause_key, self._epoch_key]
        args: list[int | str] = [taken.member, self._hold_ms, len(taken.windows)]
        for window in taken.windows:
            keys += [window.held, window.done]
            args += [window.limit, window.span_ms]
        try:
            if self._owed:
                await self._settle_owed()
            wait_ms, scope = await self._take(keys=keys, args=args)
        except RedisError:
            self._went_away()
            return None
        self._came_back()
        return int(wait_ms), int(scope)

    async def _call_give_back(self, ended: list[Taken]) -> None:
        if not ended:
            return
        keys: list[str] = []
        args: list[int | str] = [len(ended)]
        for taken in ended:
            args += [taken.member, len(taken.windows)]
            for window in taken.windows:
                keys += [window.held, window.done]
                args.append(window.span_ms)
        await self._give_back(keys=keys, args=args)

    async def _settle_owed(self) -> None:
        owed, self._owed = self._owed, []
        try:
            await self._call_give_back(owed)
        except RedisError:
            self._owed = owed + self._owed
            raise

    async def _tell_pause(self, seconds: float) -> None:
        try:
            await self._pause_script(keys=[self._pause_key], args=[max(1, round(seconds * 1000))])
        except RedisError:
            # This sender pauses anyway; the others meet Telegram's 429 themselves and pause then.
            self._went_away()

    def _went_away(self) -> None:
        if self._unreachable_since is None:
            self._unreachable_since = self._now()
            self.outages += 1
            log.warning(
                "Redis does not answer: sending paused until it does (the outbox keeps every message)"
            )

    def _came_back(self) -> None:
        self._retry_s = _RETRY_FIRST_S
        if self._unreachable_since is not None:
            log.warning(
                "Redis answers again after %.1fs: sending resumes", self._now() - self._unreachable_since
            )
            self._unreachable_since = None


def _stopped(stop: asyncio.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise SendingStopped


class _Slot:
    __slots__ = ("_chat_id", "_limiter", "_stop", "_taken")

    def __init__(self, limiter: SharedSendLimiter, chat_id: int, stop: asyncio.Event | None) -> None:
        self._limiter = limiter
        self._chat_id = chat_id
        self._stop = stop
        self._taken: Taken | None = None

    async def __aenter__(self) -> None:
        self._taken = await self._limiter.acquire(self._chat_id, self._stop)

    async def __aexit__(self, *_exc: object) -> None:
        if self._taken is not None:
            await self._limiter.release(self._taken)
