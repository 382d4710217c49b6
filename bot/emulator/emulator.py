"""The Emulator: a local Bot API server; the users who talk to the bot under test are in users.py.

See the package docstring (bot/emulator/__init__.py) for the HTTP surface.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.emulator import checks
from bot.emulator.bots import DEFAULT_USERNAME, BotState
from bot.emulator.errors import ApiError, forbidden, not_found, too_many_requests, unauthorized
from bot.emulator.limits import Fault, Faults, RateLimiter, is_sending
from bot.emulator.methods import BotApi, ensure_polling_allowed
from bot.emulator.records import BotMessage, LimitBreach, RecordedCall, Violation
from bot.emulator.server import build_app
from bot.emulator.spec import ApiSpec, load_spec
from bot.emulator.users import SimulatedUsers
from bot.emulator.validation import Upload, Validator
from bot.emulator.webhook import SessionFactory, WebhookDeliverer
from bot.emulator.world import World, now

TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]{20,}$")
_MAX_POLL_TIMEOUT = 50.0


class Emulator(SimulatedUsers):
    """The Bot API server the bot under test talks to; what the users do is SimulatedUsers' (users.py)."""

    def __init__(
        self,
        spec_path: str | os.PathLike[str] | None = None,
        *,
        bot_username: str = DEFAULT_USERNAME,
        bot_first_name: str = "Retiree Demo",
        quiet: float = 0.05,
        first_update_id: int = 1,
    ) -> None:
        """`first_update_id`: like Telegram, update ids need not start at 1; a bot whose database outlives
        the emulator (the demo) needs ids it has not seen before."""
        self.spec: ApiSpec = load_spec(spec_path)
        self.validator = Validator(self.spec)
        self.world = World()
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.quiet = quiet
        self.first_update_id = first_update_id
        self.calls: list[RecordedCall] = []
        self.violations: list[Violation] = []
        self.limit_breaches: list[LimitBreach] = []
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.poll_count = 0
        self._sessions = SessionFactory()
        self.webhooks = WebhookDeliverer(self._sessions, on_delivered=self._notify)
        self.api = BotApi(self.world, self.webhooks)
        self._bots: dict[int, BotState] = {}
        self._default_bot: BotState | None = None
        self._last_call_at: dict[int | None, float] = {}
        self._last_seq_for_chat: dict[int, int] = {}
        self._callback_ids = itertools.count(1)
        self._tick: asyncio.Future[None] | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.base_url = ""

    # ------------------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._closing = False
        app = build_app(self)
        # Cancelling a handler when its client hangs up frees abandoned long polls at once.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        bound_port = sockets[0].getsockname()[1] if sockets else port
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        for bot in self._all_bots():
            bot.wake_pollers()
        await self.webhooks.close()
        await self._sessions.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------------------ bots
    def _all_bots(self) -> list[BotState]:
        bots = list(self._bots.values())
        if self._default_bot is not None and self._default_bot not in bots:
            bots.append(self._default_bot)
        return bots

    def _new_bot(self, bot_id: int | None) -> BotState:
        return BotState(bot_id, self.bot_username, self.bot_first_name, self.first_update_id)

    def bot_for_token(self, token: str) -> BotState:
        match = TOKEN.match(token)
        if match is None:
            raise unauthorized()
        bot_id = int(match.group(1))
        bot = self._bots.get(bot_id)
        if bot is not None:
            return bot
        if self._default_bot is not None and self._default_bot.bot_id is None:
            # Users wrote before any bot connected: the first bot inherits their updates.
            bot = self._default_bot
            bot.bot_id = bot_id
        else:
            bot = self._new_bot(bot_id)
            if self._default_bot is None:
                self._default_bot = bot
        self._bots[bot_id] = bot
        return bot

    def bot(self, bot_id: int | None = None) -> BotState:
        """The bot users talk to: `bot_id`, else the first bot that connected (or will)."""
        if bot_id is not None:
            bot = self._bots.get(bot_id)
            if bot is None:
                bot = self._bots[bot_id] = self._new_bot(bot_id)
                if self._default_bot is None:
                    self._default_bot = bot
            return bot
        if self._default_bot is None:
            self._default_bot = self._new_bot(None)
        return self._default_bot

    # ------------------------------------------------------------------------------ bot API
    async def process(
        self, token: str, method_name: str, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> tuple[int, dict[str, Any]]:
        """Handle one Bot API request; returns (HTTP status, JSON body)."""
        method_lower = method_name.lower()
        method_spec = self.spec.method(method_lower)
        label = method_spec.name if method_spec else method_name
        params: dict[str, Any] = raw
        chat_id: int | None = None
        bot_id = 0
        try:
            bot = self.bot_for_token(token)
            bot_id = bot.bot_id or 0
            if method_spec is None:
                raise not_found()
            for name, upload in uploads.items():
                if name in method_spec.fields and name not in raw:
                    raw[name] = upload
            params = self.validator.validate_call(method_spec, raw, uploads)
            checks.content(method_lower, params)
            chat_id = self._chat_of(bot, method_lower, params)
            if method_lower == "getupdates":
                # Only an injected fault stands in the way of a fetch (asked for by name: see Fault).
                await self._injected_fault(method_lower, None)
                return 200, {"ok": True, "result": await self._get_updates(bot, params)}
            await self._obstacles(bot, method_lower, label, chat_id)
            handler = self.api.handlers.get(method_lower)
            result = await handler(bot, params) if handler is not None else True
        except ApiError as error:
            self._record(label, params, error, chat_id, bot_id, None)
            return error.error_code, error.payload()
        self._record(label, params, None, chat_id, bot_id, result)
        return 200, {"ok": True, "result": result}

    def _chat_of(self, bot: BotState, method_lower: str, params: dict[str, Any]) -> int | None:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            return chat_id
        if method_lower == "answercallbackquery":
            record = bot.callbacks.get(params.get("callback_query_id", ""))
            return record.chat_id if record else None
        return None

    async def _obstacles(self, bot: BotState, method_lower: str, label: str, chat_id: int | None) -> None:
        """Blocked users, injected faults and rate limits, in that order."""
        if chat_id is not None and chat_id > 0:
            chat = self.world.chats.get(chat_id)
            if chat is not None and chat.blocked:
                raise forbidden("bot was blocked by the user")
        await self._injected_fault(method_lower, chat_id)
        if self.limiter.active and is_sending(method_lower):
            at = time.monotonic()
            breach = self.limiter.check(bot.bot_id or 0, chat_id, at)
            if breach is not None:
                limit, retry_after = breach
                self.limit_breaches.append(
                    LimitBreach(method=label, chat_id=chat_id, limit=limit, retry_after=retry_after, at=at)
                )
                raise too_many_requests(retry_after)

    async def _injected_fault(self, method_lower: str, chat_id: int | None) -> None:
        fault = self.faults.take(method_lower, chat_id)
        if fault is None:
            return
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            return
        error = fault.error()
        if error is not None:
            raise error

    async def _get_updates(self, bot: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
        ensure_polling_allowed(bot)
        self.poll_count += 1
        if "allowed_updates" in params:
            bot.allowed_updates = params["allowed_updates"] or None
        bot.confirm(params.get("offset", 0))
        limit = max(1, min(100, params.get("limit", 100)))
        timeout = min(float(params.get("timeout", 0)), _MAX_POLL_TIMEOUT)
        if not bot.pending and timeout > 0 and not self._closing:
            await bot.wait_for_updates(timeout)
            if bot.webhook is not None:
                ensure_polling_allowed(bot)
        updates = bot.take(limit)
        if updates:
            bot.handed_out = max(bot.handed_out, updates[-1]["update_id"])
            self._notify()
        return updates

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        error: ApiError | None,
        chat_id: int | None,
        bot_id: int,
        result: Any,
    ) -> None:
        at = time.monotonic()
        call = RecordedCall(
            seq=len(self.calls),
            method=method,
            params=params,
            ok=error is None,
            error=error.description if error else None,
            at=at,
            chat_id=chat_id,
            bot_id=bot_id,
            error_code=error.error_code if error else None,
            result=result,
        )
        self.calls.append(call)
        if error is not None and error.error_code in (400, 401, 404, 409):
            self.violations.append(
                Violation(
                    method=method, params=params, description=error.description, error_code=error.error_code
                )
            )
        self._last_call_at[None] = at
        if chat_id is not None:
            self._last_call_at[chat_id] = at
            self._last_seq_for_chat[chat_id] = call.seq
        self._notify()

    # ------------------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        tick = self._tick
        if tick is not None:
            self._tick = None
            if not tick.done():
                tick.set_result(None)

    async def _next_tick(self, seconds: float) -> None:
        if self._tick is None:
            self._tick = asyncio.get_running_loop().create_future()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that lands just as
        # the tick comes, and a task cancelled while it waits here (ReplyWatch's reader) would wait on.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await asyncio.shield(self._tick)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once predicate() holds (re-checked on every call and update); TimeoutError else."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s\n{self.dump()}")
            await self._next_tick(min(remaining, 0.25))

    async def wait_quiet(
        self,
        chat_id: int | None = None,
        quiet: float | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Return once every update was handed to the bot and it made no call (to `chat_id`, or at
        all) for `quiet` seconds."""
        quiet = self.quiet if quiet is None else quiet
        started = time.monotonic()
        deadline = started + timeout
        while True:
            current = time.monotonic()
            last = max(self._last_call_at.get(chat_id, started), started - quiet)
            idle = current - last
            if idle >= quiet and self._all_handed_out():
                return
            if current >= deadline:
                raise TimeoutError(f"bot not quiet within {timeout}s\n{self.dump()}")
            await asyncio.sleep(max(quiet - idle, 0.005))

    def _all_handed_out(self) -> bool:
        return all(
            not bot.pending or bot.handed_out >= bot.pending[-1][0]
            for bot in self._all_bots()
            if bot.bot_id is not None
        )

    def dump(self, last: int = 15) -> str:
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} calls:"]
        for call in self.calls[-last:]:
            status = "ok" if call.ok else f"ERR {call.error}"
            lines.append(f"  #{call.seq} {call.method} chat={call.chat_id} {status} {_short(call.params)}")
        lines.append(f"violations: {[v.description for v in self.violations]}")
        for bot in self._all_bots():
            lines.append(
                f"bot {bot.bot_id}: pending={len(bot.pending)} handed_out={bot.handed_out} "
                f"webhook={bot.webhook.url if bot.webhook else None} "
                f"allowed_updates={bot.allowed_updates} filtered_out={bot.filtered_updates}"
            )
        return "\n".join(lines)

    # ------------------------------------------------------------------------------ inspect
    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in this chat, in order, edits applied, deleted ones gone."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.messages.values() if m.from_bot and not m.deleted]

    def transcript(self, chat_id: int) -> list[BotMessage]:
        """Both sides of the chat, in order."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.messages.values() if not m.deleted]

    def last_reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        chat = self.world.chats.get(chat_id)
        return chat.reply_keyboard if chat else None

    def calls_to(self, chat_id: int, method: str | None = None) -> list[RecordedCall]:
        lowered = method.lower() if method else None
        return [
            c for c in self.calls if c.chat_id == chat_id and (lowered is None or c.method.lower() == lowered)
        ]

    def stats(self) -> dict[str, Any]:
        return {
            "calls": len(self.calls),
            "violations": len(self.violations),
            "limit_breaches": len(self.limit_breaches),
            "polls": self.poll_count,
            "webhook_deliveries": self.webhooks.delivered,
            "bots": [
                {
                    "bot_id": bot.bot_id,
                    "pending_updates": len(bot.pending),
                    "next_update_id": bot.next_update_id,
                    "webhook": bot.webhook.url if bot.webhook else None,
                }
                for bot in self._all_bots()
            ],
        }

    # ------------------------------------------------------------------------------ faults
    def inject_fault(
        self,
        kind: str,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` matching calls with a fault: "429" (retry_after), "403" (blocked),
        "500", or "slow" (answer normally after `delay` s). method=None matches any method except
        getUpdates; chat_id=None any chat."""
        self.faults.add(
            Fault(
                kind=str(kind),
                method=method.lower() if method else None,
                chat_id=chat_id,
                times=times,
                retry_after=retry_after,
                delay=delay,
            )
        )

    def clear_faults(self) -> None:
        self.faults.clear()

    def block_user(self, user_id: int, *, notify: bool = False) -> None:
        """Every call to this private chat is answered 403 "bot was blocked by the user". `notify`: the bot
        also gets the my_chat_member update Telegram sends (its status "kicked")."""
        self.open_chat(user_id).blocked = True
        if notify:
            self._membership(user_id, "member", "kicked")

    def unblock_user(self, user_id: int, *, notify: bool = False) -> None:
        """The user restarts the bot; `notify`: with the my_chat_member update ("kicked" to "member")."""
        self.open_chat(user_id).blocked = False
        if notify:
            self._membership(user_id, "kicked", "member")

    def _membership(self, user_id: int, old: str, new: str, bot_id: int | None = None) -> int:
        bot = self.bot(bot_id)
        chat = self.open_chat(user_id)
        user = self.world.user(user_id)
        me = bot.user_api()

        def member(status: str) -> dict[str, Any]:
            found: dict[str, Any] = {"status": status, "user": me}
            if status == "kicked":
                found["until_date"] = 0
            return found

        change = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "date": now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return bot.enqueue("my_chat_member", change)

    def set_limits(
        self,
        global_per_s: int | None = None,
        per_chat_per_s: int | None = None,
        per_group_per_min: int | None = None,
    ) -> None:
        """Enforce Telegram's sending limits (None = unlimited); see bot.emulator.limits."""
        self.limiter.configure(global_per_s, per_chat_per_s, per_group_per_min)


def _short(params: dict[str, Any]) -> str:
    text = repr({k: v for k, v in params.items() if k != "reply_markup"})
    return text if len(text) < 160 else text[:157] + "..."
