"""Injected faults and Telegram's sending limits.

Rate limits use sliding windows of timestamps (deque per key, old entries dropped from the left):
- global_per_s: sending calls per bot in any 1-second window (Telegram: ~30/s);
- per_chat_per_s: sending calls to one chat in any 1-second window (Telegram: ~1/s);
- per_group_per_min: sending calls to one group chat (chat_id < 0) in any 60-second window (~20/min).
A call over a limit is answered 429 with retry_after = seconds until the window admits it again,
is not counted in the window, and is recorded as a LimitBreach. "Sending" = send*, copyMessage(s),
forwardMessage(s) (not sendChatAction); edits and answers do not count.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from bot.emulator.errors import ApiError, forbidden, internal_error, too_many_requests

FAULT_KINDS = ("429", "403", "500", "slow")
_NOT_SENDING = {"sendchataction"}
_SENDING_PREFIXES = ("send", "copymessage", "forwardmessage")


def is_sending(method_lower: str) -> bool:
    return method_lower.startswith(_SENDING_PREFIXES) and method_lower not in _NOT_SENDING


@dataclass(slots=True)
class Fault:
    kind: str
    method: str | None  # lower-case; None = any method except getUpdates
    chat_id: int | None
    times: int
    retry_after: int
    delay: float

    def matches(self, method_lower: str, chat_id: int | None) -> bool:
        if self.method is None:
            if method_lower == "getupdates":
                return False
        elif self.method != method_lower:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def error(self) -> ApiError | None:
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        if self.kind == "403":
            return forbidden("bot was blocked by the user")
        if self.kind == "500":
            return internal_error()
        return None


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {FAULT_KINDS}")
        if fault.times < 1:
            raise ValueError("times must be >= 1")
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method_lower: str, chat_id: int | None) -> Fault | None:
        """The first armed fault matching this call, consumed once."""
        if not self._faults:
            return None
        for fault in self._faults:
            if fault.matches(method_lower, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def __len__(self) -> int:
        return len(self._faults)


class _Window:
    __slots__ = ("limit", "span", "stamps")

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.stamps: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.span:
            stamps.popleft()
        if len(stamps) < self.limit:
            return 0.0
        return stamps[0] + self.span - now


class RateLimiter:
    def __init__(self) -> None:
        self.global_per_s: int | None = None
        self.per_chat_per_s: int | None = None
        self.per_group_per_min: int | None = None
        self._global: dict[int, _Window] = {}
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}

    def configure(
        self, global_per_s: int | None, per_chat_per_s: int | None, per_group_per_min: int | None
    ) -> None:
        self.global_per_s = global_per_s
        self.per_chat_per_s = per_chat_per_s
        self.per_group_per_min = per_group_per_min
        self._global.clear()
        self._chats.clear()
        self._groups.clear()

    @property
    def active(self) -> bool:
        return any(x is not None for x in (self.global_per_s, self.per_chat_per_s, self.per_group_per_min))

    def check(self, bot_id: int, chat_id: int | None, now: float) -> tuple[str, int] | None:
        """None if the call may go (and is counted), else (limit name, retry_after seconds)."""
        windows: list[tuple[str, _Window]] = []
        if self.global_per_s is not None:
            windows.append(("global", _get(self._global, bot_id, self.global_per_s, 1.0)))
        if chat_id is not None and self.per_chat_per_s is not None:
            windows.append(("per_chat", _get(self._chats, chat_id, self.per_chat_per_s, 1.0)))
        if chat_id is not None and chat_id < 0 and self.per_group_per_min is not None:
            windows.append(("per_group", _get(self._groups, chat_id, self.per_group_per_min, 60.0)))
        for name, window in windows:
            wait = window.wait_needed(now)
            if wait > 0:
                return name, max(1, math.ceil(wait))
        for _, window in windows:
            window.stamps.append(now)
        return None


def _get(windows: dict[int, _Window], key: int, limit: int, span: float) -> _Window:
    window = windows.get(key)
    if window is None:
        window = windows[key] = _Window(limit, span)
    return window
