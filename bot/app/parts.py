"""The parts one process builds once and hands to every part that needs them (one I18n, one region
profile), and the background (outbox sender and periodic jobs) built from them. Kept apart from wiring.py,
which builds the bot core: a worker that only sends never loads it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.config import Settings, secret
from bot.i18n import I18n
from bot.ports import Clock, Messenger
from bot.services.certification_profile import CertificationProfile, load_profile
from scheduler.budget import BudgetTaken
from scheduler.delivery.limiter import SendLimiter
from scheduler.delivery.sender import new_worker_id
from scheduler.delivery.shared_limiter import SharedSendLimiter, bot_id
from scheduler.service import Background, sender_config
from storage.database import Database

from . import CommandError

# A Redis that does not answer within this is treated as away (senders pause); never a long hang.
REDIS_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class SharedParts:
    i18n: I18n
    profile: CertificationProfile


def shared_parts(settings: Settings) -> SharedParts:
    return SharedParts(
        I18n(default_locale=settings.default_locale),
        load_profile(settings.region_profile, settings.timezone),
    )


@dataclass(frozen=True, slots=True)
class SendingBudget:
    """How one process keeps to its bot's sending limits: one limiter for its outbox sender and, in
    `run`, its replies. Shared through Redis with every sender of the bot when REDIS_URL is set
    (`closers` close it), else this process's own."""

    bot: int
    worker_id: str
    limiter: SendLimiter | SharedSendLimiter
    closers: tuple[Callable[[], Awaitable[object]], ...] = ()


def sending_budget(settings: Settings, token: str) -> SendingBudget:
    try:
        bot = bot_id(token)
    except ValueError:
        raise CommandError("BOT_TOKEN does not look like a bot token (123456789:ABC...)") from None
    worker_id = new_worker_id()
    config = sender_config(settings)
    redis = redis_client(settings)
    if redis is None:
        return SendingBudget(bot, worker_id, SendLimiter(config.limits))
    limiter = SharedSendLimiter(redis, bot, config.limits, name=worker_id, hold_s=config.send_timeout_s)
    return SendingBudget(bot, worker_id, limiter, (limiter.close, redis.aclose))


def build_background(
    settings: Settings,
    database: Database,
    messenger: Messenger,
    clock: Clock,
    parts: SharedParts,
    budget: SendingBudget,
    *,
    with_jobs: bool = True,
    role: str = "run",
) -> Background:
    """The outbox sender, and the periodic jobs unless `with_jobs` is False; `role` names the process
    ("run" or "worker") in the heartbeat doctor reads. The sender spends `budget`; call `await
    background.open()` before `start()`: it refuses a second sender on PostgreSQL without REDIS_URL."""
    return Background(
        settings,
        database,
        messenger,
        clock,
        i18n=parts.i18n,
        profile=parts.profile,
        with_jobs=with_jobs,
        role=role,
        bot=budget.bot,
        limiter=budget.limiter,
        worker_id=budget.worker_id,
        closers=budget.closers,
    )


def redis_client(settings: Settings) -> Redis | None:
    """A client of REDIS_URL (connecting lazily), or None when it is not set."""
    url = secret(settings, "REDIS_URL")
    if url is None:
        return None
    return Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        health_check_interval=10,
    )


async def open_background(background: Background) -> None:
    """Background.open, its refusal turned into the one line the command prints."""
    try:
        await background.open()
    except BudgetTaken as exc:
        await background.stop()  # never started: this only closes what it opened
        raise CommandError(str(exc)) from None
