"""The aiohttp application: Bot API endpoints, file downloads and the JSON control API."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.control_http import control_routes
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.validation import Upload

if TYPE_CHECKING:
    from bot.emulator.emulator import Emulator

EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator")
_MAX_BODY = 64 * 1024 * 1024


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )


async def decode_request(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return raw, uploads
    content_type = request.content_type
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads[key] = Upload(
                    filename=value.filename or key,
                    content=value.file.read(),
                    content_type=value.content_type or "application/octet-stream",
                )
            else:
                raw[key] = value
        return raw, uploads
    text = await request.text()
    if not text.strip():
        return raw, uploads
    try:
        body = json.loads(text)
    except ValueError:
        raise bad_request("can't parse JSON encoded request body") from None
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    raw.update(body)
    return raw, uploads


async def handle_bot_method(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    try:
        raw, uploads = await decode_request(request)
    except ApiError as error:
        return json_response(error.payload(), error.error_code)
    status, body = await emulator.process(
        request.match_info["token"], request.match_info["method"], raw, uploads
    )
    return json_response(body, status)


async def handle_file(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    try:
        emulator.bot_for_token(request.match_info["token"])
    except ApiError as error:
        return json_response(error.payload(), error.error_code)
    stored = emulator.world.files_by_path.get(request.match_info["path"])
    if stored is None:
        return json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
    return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")


def build_app(emulator: Emulator) -> web.Application:
    app = web.Application(client_max_size=_MAX_BODY)
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_method)
    app.router.add_route("GET", "/file/bot{token}/{path:.+}", handle_file)
    control_routes(app, emulator)
    return app
