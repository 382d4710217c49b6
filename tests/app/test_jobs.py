"""`retiree-bot jobs` after the job table: the live senders and the leader, when each last claimed and
sent, the outbox backlog by priority and the shared limiter's state; and doctor's word on senders that do
not share the budget."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.checks import Status, check_instances
from bot.app.jobs import delivery_health, render_health
from bot.config import Settings
from bot.domain.outbox import MessageCategory, OutboxMessage
from scheduler.delivery import Limits
from scheduler.delivery.shared_limiter import SharedSendLimiter
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.instances import Instance, SqlInstances
from tests.redis_support import RedisSpace, client


def _instance(name: str, *, budget: str = "shared", leads: bool = False, sent: int = 0) -> Instance:
    now = datetime.now(UTC)
    return Instance(
        id=name,
        role="worker",
        host=f"host-{name}",
        pid=4242,
        runs_jobs=True,
        started_at=now - timedelta(hours=1),
        seen_at=now - timedelta(seconds=3),
        leads=leads,
        budget=budget,
        sent=sent,
        last_claimed_at=now - timedelta(seconds=4) if sent else None,
        last_sent_at=now - timedelta(seconds=5) if sent else None,
    )


async def _database(tmp_path: Path, *instances: Instance) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade(url)
    async with Database.from_url(url) as database:
        for instance in instances:
            await SqlInstances(database.sessions).beat(instance)
        async with database.uow() as uow:
            await uow.outbox.enqueue_many(
                [
                    OutboxMessage(chat_id=n, category=category, dedupe_key=f"k-{n}", text="hello")
                    for n, category in enumerate([MessageCategory.URGENT] + [MessageCategory.BROADCAST] * 3)
                ]
            )
            await uow.commit()
    return url


async def test_the_view_shows_each_sender_the_leader_and_the_backlog(tmp_path: Path) -> None:
    url = await _database(tmp_path, _instance("a", leads=True, sent=120), _instance("b", sent=80))
    settings = Settings(_env_file=None, database_url=url)
    shown = render_health(await delivery_health(settings), settings)

    lines = shown.splitlines()
    leader = next(line for line in lines if "host-a" in line)
    assert "LEADER" in leader
    assert "sent 120" in leader
    assert re.search(r"last sent [5-9] s ago", leader), leader
    assert "LEADER" not in next(line for line in lines if "host-b" in line)
    backlog = [line for line in lines if line.strip().startswith("priority")]
    assert len(backlog) == 2  # urgent first, then the broadcasts
    assert "due 1 " in backlog[0]
    assert "due 3 " in backlog[1]
    assert "REDIS_URL unset" in shown


@pytest.mark.redis
async def test_the_view_shows_the_shared_limiters_state(tmp_path: Path, redis_space: RedisSpace) -> None:
    bot = 900_000_000 + secrets.randbelow(1_000_000)  # its keys are under the default prefix: one of its own
    token = f"{bot}:AAJobsViewTestTokenXXXXXXXXXXXXXX"
    url = await _database(tmp_path)
    redis = client(redis_space.url)
    try:
        limiter = SharedSendLimiter(redis, bot, Limits(global_per_s=30), name="t", hold_s=5.0)
        await redis.set(f"retiree-bot:{{{bot}}}:epoch", 0)
        held = await limiter.acquire(1)
        limiter.pause(20)
        settings = Settings(_env_file=None, database_url=url, bot_token=token, redis_url=redis_space.url)
        health = await delivery_health(settings)
        await limiter.release(held)
        await limiter.close()
    finally:
        keys = [key async for key in redis.scan_iter(match=f"retiree-bot:{{{bot}}}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
    assert health.limiter is not None
    assert health.limiter["in_flight"] == 1
    assert health.limiter["paused_s"] > 10
    assert f"Redis, bot {bot}: 30 per 1 s; 1 in flight" in render_health(health, settings)


async def test_doctor_fails_when_senders_run_without_the_shared_budget(tmp_path: Path) -> None:
    url = await _database(
        tmp_path, _instance("a", budget="local", leads=True), _instance("b", budget="local")
    )
    async with Database.from_url(url) as database:
        result = await check_instances(database, datetime.now(UTC))
    assert result.status is Status.FAIL
    assert "REDIS_URL" in result.advice
