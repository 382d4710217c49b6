from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from handlers.webhook_server import SECRET_HEADER, WebhookServer


@pytest.fixture
async def server() -> Any:
    received: list[dict[str, Any]] = []

    async def sink(update: dict[str, Any]) -> None:
        if update.get("explode"):
            raise RuntimeError("cannot take it")
        received.append(update)

    webhook = WebhookServer(path="/hook/abc", secret="s3cret", sink=sink)
    await webhook.start("127.0.0.1", 0)
    yield webhook, received
    await webhook.stop()


async def post(port: int, body: Any, headers: dict[str, str], path: str = "/hook/abc") -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}{path}", json=body, headers=headers) as response,
    ):
        return response.status


async def test_a_call_with_the_secret_is_handed_on(server: Any) -> None:
    webhook, received = server

    status = await post(webhook.port, {"update_id": 3}, {SECRET_HEADER: "s3cret"})

    assert status == 200
    assert received == [{"update_id": 3}]


@pytest.mark.parametrize(
    "headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: "S3CRET"}, {SECRET_HEADER: "s3cret2"}]
)
async def test_a_call_without_the_right_secret_is_refused(server: Any, headers: dict[str, str]) -> None:
    webhook, received = server

    status = await post(webhook.port, {"update_id": 3}, headers)

    assert status == 401
    assert received == []


@pytest.mark.parametrize("body", [[1, 2], {"no": "id"}, "text"])
async def test_a_body_that_is_not_an_update_is_refused(server: Any, body: Any) -> None:
    webhook, received = server

    assert await post(webhook.port, body, {SECRET_HEADER: "s3cret"}) == 400
    assert received == []


async def test_an_update_that_cannot_be_taken_asks_for_a_retry(server: Any) -> None:
    webhook, _ = server

    assert await post(webhook.port, {"update_id": 4, "explode": True}, {SECRET_HEADER: "s3cret"}) == 500


async def test_other_paths_are_not_served(server: Any) -> None:
    webhook, received = server

    assert await post(webhook.port, {"update_id": 3}, {SECRET_HEADER: "s3cret"}, path="/other") == 404
    assert received == []


def test_a_secret_is_required() -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookServer(path="/", secret="", sink=lambda _: None)  # type: ignore[arg-type,return-value]


async def test_the_given_port_is_used() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def sink(_: dict[str, Any]) -> None:
        return None

    webhook = WebhookServer(path="/", secret="x", sink=sink)
    await webhook.start("127.0.0.1", port)
    try:
        assert webhook.port == port
    finally:
        await webhook.stop()


async def _get(port: int, path: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as response:
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


async def _healthy() -> Mapping[str, str]:
    return {"database": "ok"}


async def _unhealthy() -> Mapping[str, str]:
    return {"database": "unreachable"}


async def _broken() -> Mapping[str, str]:
    raise RuntimeError("the check itself failed")


@pytest.fixture
async def serving() -> AsyncIterator[Any]:
    servers: list[WebhookServer] = []

    async def start(health: Any) -> int:
        async def sink(_: dict[str, Any]) -> None:
            return None

        webhook = WebhookServer(path="/hook", secret="s3cret", sink=sink, health=health)
        await webhook.start("127.0.0.1", 0)
        servers.append(webhook)
        return webhook.port

    yield start
    for webhook in servers:
        await webhook.stop()


@pytest.mark.parametrize(
    ("health", "status", "body"),
    [
        (_healthy, 200, {"database": "ok"}),
        (_unhealthy, 503, {"database": "unreachable"}),
        (_broken, 503, {"health check": "failed"}),
    ],
)
async def test_healthz_answers_with_each_part_and_503_unless_all_are_ok(
    serving: Any, health: Any, status: int, body: dict[str, str]
) -> None:
    port = await serving(health)

    assert await _get(port, "/healthz") == (status, body)


async def test_healthz_is_served_only_with_a_health_check(server: Any) -> None:
    webhook, _ = server

    assert (await _get(webhook.port, "/healthz"))[0] == 404
