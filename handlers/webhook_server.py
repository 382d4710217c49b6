"""A small aiohttp server receiving Telegram webhook calls, shared by both adapters so they check the
secret and answer the same way. It also answers `GET /healthz` for the load balancer or monitoring."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.ports import StorageUnavailable
from handlers.transport_base import HealthCheck

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"

UpdateSink = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookServer:
    def __init__(
        self, *, path: str, secret: str, sink: UpdateSink, health: HealthCheck | None = None
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._secret = secret.encode()
        self._sink = sink
        self._health = health
        app = web.Application()
        app.router.add_post(path or "/", self._receive)
        if health is not None:
            app.router.add_get(HEALTH_PATH, self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the webhook server is not started")
        return self._port

    async def start(self, host: str, port: int) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server  # aiohttp keeps the bound socket here; port=0 needs the real number
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1] if sockets else port
        log.info("webhook server listening on %s:%s", host, self._port)

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook call with a wrong or missing secret token from %s", request.remote)
            return web.Response(status=401, text="unauthorized")
        try:
            update = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        try:
            await self._sink(update)
        except StorageUnavailable:
            # The pipeline says so once when the database goes away; each refused update needs no line.
            return web.Response(status=503, text="the database does not answer; try again later")
        except Exception:
            # A 5xx makes Telegram retry later; the core's update log keeps a retry from being handled twice.
            log.exception("webhook update %s could not be taken in", update["update_id"])
            return web.Response(status=500, text="not taken")
        return web.Response(status=200)

    async def _healthz(self, request: web.Request) -> web.Response:
        assert self._health is not None  # the route exists only with a health check
        try:
            parts = dict(await self._health())
        except Exception:
            log.exception("the health check failed")
            parts = {"health check": "failed"}
        healthy = all(state == "ok" for state in parts.values())
        return web.json_response(parts, status=200 if healthy else 503)
