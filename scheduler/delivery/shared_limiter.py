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
- unreachable: no outbox message is sent (the outbox keeps every one) until it answers again; replies to
  people go on, each process pacing its own on REPLY_SHARE of the rate. One warning when it goes, one
  line when it is back. Slots given back meanwhile are given back once it answers.
- restarted empty (no persistence): the scripts find the bot's `epoch` key gone, and a window younger than
  its span since the new epoch counts as full, so no sender sends for one span (1 s; 60 s to groups)
  instead of adding a burst to the calls made just before the restart that Redis no longer knows.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from scheduler.delivery.limiter import Limits, SendingStopped, SendLimiter, Window

log = logging.getLogger(__name__)

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Takes slots for the calls waiting in one process's line, in their order, in one round trip.
# KEYS: pause, epoch, global held, global done, then for each call: its own windows' held_i, done_i
# ARGV: hold_ms, global limit, global span_ms, count, then for each call: member, held (1: its own windows may
# hold it back; 0: a reply, which they count without holding), n, limit_1, span_ms_1, ...
# Returns {wait_ms, scope} for each call: {0, 0} when taken; scope 1 when its chat's or group's window is
# full (the calls behind it go on), 2 when the global window is full or sending is paused (this call and
# every one behind it wait). wait_ms is -1 when only a call in flight can free a slot.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = tonumber(redis.call('GET', KEYS[2]))
if not epoch then
  epoch = now
  redis.call('SET', KEYS[2], now)
end
local hold, glimit, gspan = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

-- slots of a window in use now, after dropping the ones freed
local function used(held, done)
  redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', done, '-inf', now)
  return redis.call('ZCARD', held) + redis.call('ZCARD', done)
end
-- ms until a full window's first answered call frees its slot; -1 when only a call in flight can
local function until_free(done)
  local first = redis.call('ZRANGE', done, 0, 0, 'WITHSCORES')
  if first[2] then return math.max(1, tonumber(first[2]) - now) end
  return -1
end

local global_wait, global_used = 0, 0
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then
  global_wait = paused - now
elseif now < epoch + gspan then
  global_wait = epoch + gspan - now
else
  global_used = used(KEYS[3], KEYS[4])
end
local out = {}
local a, k = 5, 5
for _ = 1, tonumber(ARGV[4]) do
  local member, held, n = ARGV[a], ARGV[a + 1] == '1', tonumber(ARGV[a + 2])
  if global_wait == 0 and global_used >= glimit then global_wait = until_free(KEYS[4]) end
  if global_wait ~= 0 then
    out[#out + 1] = global_wait
    out[#out + 1] = 2
  else
    local timed, untimed = 0, false
    for i = 0, (held and n or 0) - 1 do
      local limit, span = tonumber(ARGV[a + 3 + 2 * i]), tonumber(ARGV[a + 4 + 2 * i])
      local w = 0
      if now < epoch + span then
        w = epoch + span - now
      elseif used(KEYS[k + 2 * i], KEYS[k + 1 + 2 * i]) >= limit then
        w = until_free(KEYS[k + 1 + 2 * i])
      end
      if w < 0 then untimed = true elseif w > timed then timed = w end
    end
    if timed > 0 or untimed then
      out[#out + 1] = (timed > 0) and timed or -1
      out[#out + 1] = 1
    else
      for i = 0, n - 1 do
        redis.call('ZADD', KEYS[k + 2 * i], now + hold, member)
        redis.call('PEXPIRE', KEYS[k + 2 * i], hold)
      end
      redis.call('ZADD', KEYS[3], now + hold, member)
      redis.call('PEXPIRE', KEYS[3], hold)
      global_used = global_used + 1
      out[#out + 1] = 0
      out[#out + 1] = 0
    end
  end
  a = a + 3 + 2 * n
  k = k + 2 * n
end
return out
"""

# Gives back the slots of several calls at once, each busy until `span` after its answer: the answer came
# at least `ago` ms before this script runs (measured by the sender up to the moment it asked).
# KEYS: every call's held_i, done_i in turn; ARGV: count, then for each call: member, ago_ms, n,
# span_ms_1, ..., span_ms_n
_GIVE_BACK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local a, k = 2, 1
for _ = 1, tonumber(ARGV[1]) do
  local member, answered, n = ARGV[a], now - tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  for i = 1, n do
    local held, done, span = KEYS[k], KEYS[k + 1], tonumber(ARGV[a + 2 + i])
    redis.call('ZREM', held, member)
    redis.call('ZADD', done, answered + span, member)
    redis.call('PEXPIRE', done, span)
    k = k + 2
  end
  a = a + 3 + n
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

_TAKEN, _OWN, _GLOBAL = 0, 1, 2
_ALONE = -1  # the line's answer to a reply while Redis is away
# While Redis is away the outbox senders send nothing, and each `run` answers people on this share of the
# bot's rate: within the limit with up to four `run` processes (by webhook) answering at once.
REPLY_SHARE = 0.25
# Slots of calls that end within this many seconds of one another are given back together.
GIVE_BACK_S = 0.005
# The most waiting calls one round trip takes slots for.
TAKE_AT_ONCE = 128
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
    """One call's slots: of its own windows (its chat's, its group's) and of the global one."""

    member: str
    own: tuple[_Window, ...]
    everyone: _Window
    answered: float = 0.0  # when the call's answer came (the limiter's clock), set by release
    alone: list[Window] | None = None  # a reply's slots of the process's own limiter, Redis being away

    @property
    def windows(self) -> tuple[_Window, ...]:
        return (*self.own, self.everyone)


@dataclass(slots=True, eq=False)
class _Waiting:
    """A call in the line: what it asks for, how it learns the answer ({wait_ms, scope}), and when it
    gives up."""

    taken: Taken
    answer: asyncio.Future[tuple[int, int]]
    stop: asyncio.Event | None
    reply: bool


class SharedSendLimiter:
    """The SendLimiter's interface (`async with limiter.slot(chat_id):`, `pause(seconds)`) on Redis.

    Within a process the callers line up (FIFO) for the global window, and one task asks Redis for the
    slots of the whole line at once (up to TAKE_AT_ONCE calls a round trip): a sender makes about one call
    to Redis per batch of messages instead of one a message. A caller held by its own chat's or group's
    window leaves the line and comes back at its end once that window has room; a reply to a person
    comes in at its head.
    """

    shared = True

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
        self._line: deque[_Waiting] = deque()
        self._alone = SendLimiter(
            Limits(
                global_per_s=limits.global_per_s * REPLY_SHARE,
                per_chat_per_s=limits.per_chat_per_s,
                per_group_per_min=limits.per_group_per_min,
            ),
            now=now,
            sleep=sleep,
        )
        self._taking: asyncio.Task[None] | None = None
        self._paused_until = 0.0
        self._owed: list[Taken] = []  # slots to give back once Redis answers again
        self._ended: list[Taken] = []  # calls answered, their slots not yet given back
        self._giving_back: asyncio.Task[None] | None = None
        self._unreachable_since: float | None = None
        self._retry_s = _RETRY_FIRST_S
        self._pausing: set[asyncio.Task[None]] = set()
        self.pauses = 0
        self.outages = 0
        self.take_round_trips = 0

    def _window(self, scope: str, limit: int, span_s: float) -> _Window:
        return _Window(
            f"{self._base}:{scope}:held", f"{self._base}:{scope}:done", limit, round(span_s * 1000)
        )

    def _own_windows(self, chat_id: int) -> tuple[_Window, ...]:
        windows = [self._window(f"chat:{chat_id}", self.limits.per_chat_per_s, 1.0)]
        if chat_id < 0:
            windows.append(self._window(f"group:{chat_id}", self.limits.per_group_per_min, 60.0))
        return tuple(windows)

    # ------------------------------------------------------------------------------ the interface
    def slot(self, chat_id: int, stop: asyncio.Event | None = None, *, reply: bool = False) -> _Slot:
        return _Slot(self, chat_id, stop, reply)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: this sender stops at once, and every other one at its next take."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._now() + seconds)
        task = asyncio.get_running_loop().create_task(self._tell_pause(seconds))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def acquire(self, chat_id: int, stop: asyncio.Event | None = None, *, reply: bool = False) -> Taken:
        """Wait for a slot of every window that applies to a call to `chat_id`, and take them. A `reply`
        joins the line at its head, and its chat's windows count it without holding it back; while
        Redis is away it is paced by this process alone, on REPLY_SHARE of the rate (a person is
        answered; the outbox waits for Redis)."""
        taken = Taken(f"{self._name}:{next(self._serial)}", self._own_windows(chat_id), self._global)
        while True:
            _stopped(stop)
            if reply and self._unreachable_since is not None:  # a person is answered all the same
                taken.alone = await self._alone.acquire(chat_id, reply=True)
                return taken
            waiting = _Waiting(taken, asyncio.get_running_loop().create_future(), stop, reply)
            if reply:
                self._line.appendleft(waiting)
            else:
                self._line.append(waiting)
            if self._taking is None:
                self._taking = asyncio.get_running_loop().create_task(self._take_for_the_line())
            try:
                wait_ms, scope = await waiting.answer
            except asyncio.CancelledError:
                answer = waiting.answer
                if answer.done() and not answer.cancelled() and answer.result()[1] == _TAKEN:
                    await self.release(taken)  # taken just as its caller went away: nothing was sent
                raise
            if scope == _ALONE:
                continue  # Redis went away while it waited in line: answered alone, above
            if wait_ms == 0:
                return taken
            # Only this chat's (or group's) own window is full: out of the line until it has room.
            await self._sleep(wait_ms / 1000 if wait_ms > 0 else self._poll_s)

    async def _take_for_the_line(self) -> None:
        """Ask Redis for the slots of the calls in the line, the head first, until the line is empty."""
        try:
            while self._drop_gone():
                local = self._paused_until - self._now()
                if local > 0:
                    await self._sleep(local)
                    continue
                asking = list(itertools.islice(self._line, TAKE_AT_ONCE))
                answers = await self._try(asking)
                if answers is None:  # Redis is away: replies go on alone, the rest waits for it
                    for waiting in [w for w in self._line if w.reply]:
                        self._line.remove(waiting)
                        self._answer(waiting, 0, _ALONE)
                    await self._sleep(self._retry_s)
                    self._retry_s = min(_RETRY_MAX_S, self._retry_s * 2)
                    continue
                for waiting, (wait_ms, scope) in zip(asking, answers, strict=True):
                    if scope == _GLOBAL:
                        await self._sleep(wait_ms / 1000 if wait_ms > 0 else self._poll_s)
                        break
                    self._line.remove(waiting)  # not popleft: a reply may have come in first meanwhile
                    self._answer(waiting, wait_ms, scope)
        except Exception as exc:
            # A fault that is not Redis going away: the calls in the line hear of it (their sender
            # retries each message later) instead of waiting for an answer that would never come.
            log.exception("taking slots failed")
            for waiting in self._line:
                if not waiting.answer.done():
                    waiting.answer.set_exception(exc)
            self._line.clear()
        finally:
            self._taking = None

    def _drop_gone(self) -> bool:
        """Let the calls whose sender stops (or that were cancelled) out of the line; whether any is left."""
        if any(w.answer.done() or (w.stop is not None and w.stop.is_set()) for w in self._line):
            for waiting in [w for w in self._line if w.stop is not None and w.stop.is_set()]:
                if not waiting.answer.done():
                    waiting.answer.set_exception(SendingStopped())
            self._line = deque(w for w in self._line if not w.answer.done())
        return bool(self._line)

    def _answer(self, waiting: _Waiting, wait_ms: int, scope: int) -> None:
        if not waiting.answer.done():
            waiting.answer.set_result((wait_ms, scope))
        elif scope == _TAKEN:  # its caller went away meanwhile, sending nothing: the slots go back
            self._end(waiting.taken)

    async def release(self, taken: Taken) -> None:
        """Give the call's slots back, each busy until `span` after now (the call's answer). Calls ending
        within GIVE_BACK_S of one another give theirs back in one round trip; the script is told how
        long ago each answer came, so the wait costs no slot any time."""
        if taken.alone is not None:
            self._alone.release(taken.alone)
            return
        self._end(taken)

    def _end(self, taken: Taken) -> None:
        taken.answered = self._now()
        self._ended.append(taken)
        self._give_back_later()

    def _give_back_later(self) -> None:
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
                self._give_back_later()

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
    async def _try(self, line: list[_Waiting]) -> list[tuple[int, int]] | None:
        """One round trip for the slots of the calls in `line`: {wait_ms, scope} for each, or None when
        Redis does not answer."""
        everyone = self._global
        keys = [self._pause_key, self._epoch_key, everyone.held, everyone.done]
        args: list[int | str] = [self._hold_ms, everyone.limit, everyone.span_ms, len(line)]
        for waiting in line:
            taken = waiting.taken
            args += [taken.member, 0 if waiting.reply else 1, len(taken.own)]
            for window in taken.own:
                keys += [window.held, window.done]
                args += [window.limit, window.span_ms]
        try:
            if self._owed:
                await self._settle_owed()
            self.take_round_trips += 1
            flat = await self._take(keys=keys, args=args)
        except RedisError:
            self._went_away()
            return None
        self._came_back()
        return [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def _call_give_back(self, ended: list[Taken]) -> None:
        if not ended:
            return
        now = self._now()
        keys: list[str] = []
        args: list[int | str] = [len(ended)]
        for taken in ended:
            # Rounded down: the answer came at least this long before Redis reads the clock.
            ago_ms = max(0, int((now - taken.answered) * 1000))
            windows = taken.windows
            args += [taken.member, ago_ms, len(windows)]
            for window in windows:
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
                "Redis does not answer: the outbox waits until it does (it keeps every message); "
                "replies to people go on at a share of the rate"
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
    __slots__ = ("_chat_id", "_limiter", "_reply", "_stop", "_taken")

    def __init__(
        self, limiter: SharedSendLimiter, chat_id: int, stop: asyncio.Event | None, reply: bool
    ) -> None:
        self._limiter = limiter
        self._chat_id = chat_id
        self._stop = stop
        self._reply = reply
        self._taken: Taken | None = None

    async def __aenter__(self) -> None:
        self._taken = await self._limiter.acquire(self._chat_id, self._stop, reply=self._reply)

    async def __aexit__(self, *_exc: object) -> None:
        if self._taken is not None:
            await self._limiter.release(self._taken)
