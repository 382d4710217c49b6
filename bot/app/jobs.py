"""`retiree-bot jobs`: the periodic jobs and when each runs next; then, from the database and Redis, how
delivery stands: each live sender (its heartbeat) and which one leads the periodic jobs, when each last
claimed and sent, the outbox backlog by priority, and the shared limiter's state.

The heartbeat is written every HEARTBEAT_SECONDS, so "last sent" is as of the sender's last beat.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import SystemClock
from bot.config import Settings, secret
from scheduler.delivery.shared_limiter import SharedSendLimiter, bot_id
from scheduler.heartbeat import STALE_AFTER
from scheduler.jobs import job_table
from scheduler.service import sender_config
from storage.repositories.delivery_queue import Backlog, SqlDeliveryQueue
from storage.repositories.instances import Instance, SqlInstances

from .checks import ago, describe
from .database import open_database
from .parts import redis_client

TIMEOUT_S = 5.0


def list_jobs(settings: Settings) -> list[dict[str, str]]:
    return job_table(SystemClock().now(), settings.tz)


def render(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "no periodic jobs"
    width = max(len(row["id"]) for row in rows)
    lines = [f"{'job':<{width}}  {'next run':<22}  schedule / what it does"]
    for row in rows:
        lines.append(f"{row['id']:<{width}}  {row['next_run']:<22}  {row['schedule']}: {row['description']}")
    return "\n".join(lines)


@dataclass
class DeliveryHealth:
    now: datetime
    senders: list[Instance] = field(default_factory=list)
    stale: list[Instance] = field(default_factory=list)
    backlog: list[Backlog] = field(default_factory=list)
    limiter: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


async def delivery_health(settings: Settings) -> DeliveryHealth:
    """What the database and Redis say now; a part that cannot be read becomes a line in `problems`."""
    now = SystemClock().now()
    health = DeliveryHealth(now)
    try:
        database = await asyncio.wait_for(open_database(settings), TIMEOUT_S)
    except Exception as exc:
        health.problems.append(f"database: {describe(exc)}")
    else:
        try:
            instances = await asyncio.wait_for(SqlInstances(database.sessions).all(), TIMEOUT_S)
            health.senders = [i for i in instances if now - i.seen_at <= STALE_AFTER]
            health.stale = [i for i in instances if now - i.seen_at > STALE_AFTER]
            queue = SqlDeliveryQueue(database.sessions)
            health.backlog = await asyncio.wait_for(queue.backlog(now), TIMEOUT_S)
        except Exception as exc:
            health.problems.append(f"database: {describe(exc)}")
        finally:
            await database.dispose()
    health.limiter = await _limiter_state(settings, health)
    return health


async def _limiter_state(settings: Settings, health: DeliveryHealth) -> dict[str, Any] | None:
    redis = redis_client(settings)
    token = secret(settings, "BOT_TOKEN")
    if redis is None or token is None:
        return None
    try:
        limiter = SharedSendLimiter(
            redis, bot_id(token), sender_config(settings).limits, name="jobs", hold_s=0.0
        )
        return await asyncio.wait_for(limiter.state(), TIMEOUT_S)
    except Exception as exc:
        health.problems.append(f"redis: {describe(exc)}")
        return None
    finally:
        await redis.aclose()


def render_health(health: DeliveryHealth, settings: Settings) -> str:
    now = health.now
    lines = ["", "senders (live, by heartbeat):"]
    if not health.senders:
        lines.append("  none")
    for sender in health.senders:
        lead = "LEADER" if sender.leads else ("jobs" if sender.runs_jobs else "send only")
        lines.append(
            f"  {sender.role:<6} {sender.host}:{sender.pid:<8} {lead:<9} budget {sender.budget:<6} "
            f"sent {sender.sent:<7} last claimed {_when(sender.last_claimed_at, now):<12} "
            f"last sent {_when(sender.last_sent_at, now):<12} seen {ago(now - sender.seen_at)}"
        )
    if not any(sender.leads for sender in health.senders) and health.senders:
        lines.append("  no sender leads the periodic jobs yet (a leader takes the lock at its first tick)")
    for sender in health.stale:
        lines.append(
            f"  gone: {sender.role} on {sender.host} (pid {sender.pid}), seen {ago(now - sender.seen_at)}"
        )
    lines += ["", "outbox backlog by priority (lower goes first):"]
    if not health.backlog:
        lines.append("  empty")
    for row in health.backlog:
        lines.append(
            f"  priority {row.priority:<3} due {row.due:<8} later {row.later:<8} sending {row.sending}"
        )
    lines += ["", "shared limiter:"]
    if health.limiter is not None:
        state = health.limiter
        lines.append(
            f"  Redis, bot {state['bot']}: {state['limit']} per {state['span_s']:g} s; "
            f"{state['in_flight']} in flight, {state['recently_answered']} answered within the span; "
            + (f"paused {state['paused_s']:.1f} s more (429)" if state["paused_s"] else "not paused")
        )
    elif secret(settings, "REDIS_URL") is None:
        lines.append(f"  none (REDIS_URL unset): one sender paces itself at {settings.delivery_rate:g}/s")
    for problem in health.problems:
        lines.append(f"  cannot read {problem}")
    return "\n".join(lines)


def _when(moment: datetime | None, now: datetime) -> str:
    return "never" if moment is None else ago(now - moment)
