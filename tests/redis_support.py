"""Redis fixtures: a client of the local test server and a key prefix of the test's own, its keys deleted
after. Several developers (and CI jobs) share one server, so a test touches only keys under its prefix.

With no server answering the tests skip locally, but fail when CI=true: CI must really run them (as the
PostgreSQL tests do, tests/postgres_support.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
CONNECT_TIMEOUT_S = 5.0

_server_problem: list[str] = []


def _unavailable(reason: str) -> NoReturn:
    message = f"Redis not reachable at {REDIS_TEST_URL}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def client(url: str = REDIS_TEST_URL) -> Redis:
    return Redis.from_url(url, socket_timeout=CONNECT_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S)


@dataclass(frozen=True, slots=True)
class RedisSpace:
    url: str
    prefix: str  # every key the test writes starts with it
    redis: Redis

    def epoch_key(self, bot: int) -> str:
        return f"{self.prefix}:{{{bot}}}:epoch"

    async def forget_start(self, bot: int) -> None:
        """Say that no sender of `bot` sent in the last minute: a fresh key space otherwise counts as a
        Redis restarted empty, whose windows stay full for a span (shared_limiter.py)."""
        await self.redis.set(self.epoch_key(bot), 0)


async def reachable_redis() -> Redis:
    if _server_problem:
        _unavailable(_server_problem[0])
    redis = client()
    try:
        await redis.ping()
    except (OSError, RedisError) as exc:
        await redis.aclose()
        _server_problem.append(f"{type(exc).__name__}: {exc}")
        _unavailable(_server_problem[0])
    return redis


@pytest.fixture
async def redis_space() -> AsyncIterator[RedisSpace]:
    redis = await reachable_redis()
    space = RedisSpace(REDIS_TEST_URL, f"rb-test-{secrets.token_hex(6)}", redis)
    try:
        yield space
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{space.prefix}:*", count=1000)]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
