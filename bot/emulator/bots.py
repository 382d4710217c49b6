"""Per-bot state: the update queue (shared by getUpdates and webhook delivery), commands, menu."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

DEFAULT_USERNAME = "retiree_demo_bot"


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class CallbackRecord:
    chat_id: int | None
    answered: bool = False


class BotState:
    def __init__(self, bot_id: int | None, username: str, first_name: str, first_update_id: int = 1) -> None:
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self.next_update_id = first_update_id
        self.allowed_updates: list[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.webhook_changed = asyncio.Event()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.filtered_updates = 0  # updates never created because of allowed_updates
        self.handed_out = 0  # highest update_id returned by getUpdates or delivered by webhook
        self._pollers: list[asyncio.Future[None]] = []

    def user_api(self) -> dict[str, Any]:
        return {
            "id": self.bot_id or 0,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates -------------------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        allowed = self.webhook.allowed_updates if self.webhook else self.allowed_updates
        if allowed and kind not in allowed:
            self.filtered_updates += 1
            return update_id  # Telegram never creates updates of a kind the bot opted out of
        self.pending.append((update_id, {"update_id": update_id, kind: payload}))
        self.wake_pollers()
        self.webhook_changed.set()
        return update_id

    def wake_pollers(self) -> None:
        pollers, self._pollers = self._pollers, []
        for waiter in pollers:
            if not waiter.done():
                waiter.set_result(None)

    def confirm(self, offset: int) -> None:
        pending = self.pending
        if offset > 0:
            while pending and pending[0][0] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        if not self.pending:
            return []
        if limit >= len(self.pending):
            return [update for _, update in self.pending]
        return [self.pending[i][1] for i in range(limit)]

    async def wait_for_updates(self, seconds: float) -> None:
        """Return when an update arrives, a newer getUpdates supersedes this one, or on timeout."""
        # A newer poll (e.g. after the client gave up on this connection) takes over.
        self.wake_pollers()
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pollers.append(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            pass
        finally:
            if waiter in self._pollers:
                self._pollers.remove(waiter)

    def drop_pending(self) -> None:
        self.pending.clear()

    # -- commands ------------------------------------------------------------------------------
    @staticmethod
    def command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""
