"""The checks of `retiree-bot doctor`, each a small function returning results (doctor.py prints them).

A check never raises and never waits long: every database or Bot API call has a timeout, and a failure
becomes a FAIL result saying what is wrong and what to do. No result carries a secret (the CLI also
scrubs every line of the values in `secrets_of`).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.config import OFFICIAL_API_BASE, SettingProblem, Settings, missing_secrets
from bot.domain.certification_calendar import CalendarError
from bot.knowledge import KnowledgeError, load_answerer
from bot.regions import DEFAULT_PROFILE, RegionError
from bot.services.certification_profile import load_profile
from handlers import BotIdentity, DeliveryError, InvalidToken, TransientError, Transport, WebhookStatus
from scheduler.heartbeat import STALE_AFTER
from storage import migrate
from storage.database import Database, normalise_url
from storage.repositories.instances import Instance, SqlInstances
from storage.schema import HEAD_REVISION, schema_revision

DATABASE_TIMEOUT_S = 5.0
TELEGRAM_TIMEOUT_S = 10.0
# Telegram keeps the date of the last failed webhook delivery after deliveries work again: an older one is
# history, a newer one a problem.
RECENT_WEBHOOK_ERROR = timedelta(hours=1)
# The only ports Telegram delivers webhooks to (https://core.telegram.org/bots/api#setwebhook).
WEBHOOK_PORTS = (443, 80, 88, 8443)
SETTINGS_ADVICE = "fix it in the environment or .env (see .env.example)"
SECRET_ADVICE = {
    "BOT_TOKEN": "put the token @BotFather gave in BOT_TOKEN (see .env.example)",
    "ID_HASH_KEY": "generate it once as .env.example shows, and keep it: it must never change",
    "WEBHOOK_SECRET": "set a random secret of letters, digits, _ and - (see .env.example)",
}


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"  # not checked because something it needs failed above


@dataclass(frozen=True, slots=True)
class Result:
    check: str
    status: Status
    detail: str
    advice: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<4} {self.check}: {self.detail}"
        return f"{text} — {self.advice}" if self.advice else text


def ok(check: str, detail: str) -> Result:
    return Result(check, Status.OK, detail)


def fail(check: str, detail: str, advice: str) -> Result:
    return Result(check, Status.FAIL, detail, advice)


def skip(check: str, reason: str) -> Result:
    return Result(check, Status.SKIP, f"not checked ({reason})")


def secrets_of(settings: Settings) -> list[str]:
    """Values no output may show: the token (and its secret half), ID_HASH_KEY, WEBHOOK_SECRET, the DB
    password."""
    values = [
        secret.get_secret_value()
        for secret in (settings.bot_token, settings.id_hash_key, settings.webhook_secret)
        if secret is not None
    ]
    if settings.bot_token is not None:
        values.append(settings.bot_token.get_secret_value().partition(":")[2])
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    if password:
        values.append(str(password))
    return [value for value in values if len(value.strip()) >= 4]


def scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def describe(exc: BaseException) -> str:
    """An exception in one short line: its type and first line, the driver's own error when SQLAlchemy
    wrapped one (its text would carry the statement and a link)."""
    inner = getattr(exc, "orig", None)
    if isinstance(inner, BaseException):
        exc = inner
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(first) > 200:
        first = first[:197] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# ------------------------------------------------------------------------------------------------ settings
def check_settings(settings: Settings, problems: Sequence[SettingProblem]) -> list[Result]:
    """One FAIL per bad or missing setting; one ok line summing up the settings when there is none."""
    results = [fail(f"setting {problem.name}", problem.message, SETTINGS_ADVICE) for problem in problems]
    results += [
        fail(f"setting {problem.name}", problem.message, SECRET_ADVICE[problem.name])
        for problem in missing_secrets(settings)
    ]
    url_problem = webhook_url_problem(settings)
    if url_problem is not None and "WEBHOOK_URL" not in {problem.name for problem in problems}:
        results.append(fail("setting WEBHOOK_URL", url_problem, SETTINGS_ADVICE))
    if results:
        return results
    mode = f"webhook {settings.webhook_url}" if settings.webhook_url else "polling"
    return [ok("settings", f"{settings.bot_framework}, {mode}, time zone {settings.timezone}")]


def webhook_url_problem(settings: Settings) -> str | None:
    """Why Telegram itself would refuse WEBHOOK_URL (only checked against the real Bot API)."""
    if not settings.webhook_url or settings.telegram_api_base != OFFICIAL_API_BASE:
        return None
    parts = urlsplit(settings.webhook_url)
    try:
        port = parts.port or 443
    except ValueError:
        return "not a valid URL"
    if parts.scheme != "https" or not parts.hostname:
        return "Telegram only sends webhooks to https:// addresses"
    if port not in WEBHOOK_PORTS:
        return f"Telegram only sends webhooks to ports {', '.join(map(str, WEBHOOK_PORTS))}, not {port}"
    return None


# ------------------------------------------------------------------------------------------------ database
def shown_url(url: URL) -> str:
    """The database URL as an operator may see it: password masked, a SQLite file as its absolute path."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return f"SQLite {database or ':memory:'}"
        return f"SQLite {Path(database).expanduser().resolve()}"
    return url.render_as_string(hide_password=True)


async def check_database(settings: Settings) -> tuple[Result, Database | None]:
    """Whether DATABASE_URL answers; the open database when it does (the caller disposes of it)."""
    try:
        url = normalise_url(settings.database_url)
    except ArgumentError:
        advice = "write it as sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST/DB"
        return fail("database", "DATABASE_URL is not a database URL", advice), None
    shown = shown_url(url)
    missing = _missing_sqlite_file(url)
    if missing is not None:
        advice = "run `retiree-bot db upgrade` to create it, or fix DATABASE_URL (relative to this folder)"
        return fail("database", f"no database file at {missing}", advice), None
    try:
        database = Database.from_url(url)
    except Exception as exc:
        return fail("database", f"{shown}: {describe(exc)}", "fix DATABASE_URL"), None
    try:
        await asyncio.wait_for(database.ping(), DATABASE_TIMEOUT_S)
    except Exception as exc:
        await database.dispose()
        detail = f"{shown} does not answer ({describe(exc)})"
        if isinstance(exc, TimeoutError):
            detail = f"{shown} did not answer within {DATABASE_TIMEOUT_S:g} s"
        advice = "start the database server, or fix DATABASE_URL (host, port, user, password, database)"
        return fail("database", detail, advice), None
    return ok("database", f"{shown} answers"), database


def _missing_sqlite_file(url: URL) -> Path | None:
    """The absolute path of a SQLite file that does not exist (connecting would create it, empty)."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = Path(database).expanduser().resolve()
    return None if path.is_file() else path


async def check_migrations(database: Database) -> Result:
    """Whether the schema is the one this code expects (as `run` and `worker` insist at start)."""
    try:
        revision = await asyncio.wait_for(schema_revision(database), DATABASE_TIMEOUT_S)
    except Exception as exc:
        detail = f"cannot read the schema revision ({describe(exc)})"
        return fail("migrations", detail, "see the database line")
    if revision == HEAD_REVISION:
        return ok("migrations", f"at the newest revision, {HEAD_REVISION}")
    upgrade = "run `retiree-bot db upgrade`"
    if revision is None:
        return fail("migrations", "the database has no schema yet", upgrade)
    known = migrate.revisions()
    if revision in known:
        behind = known.index(revision)
        plural = "s" if behind > 1 else ""
        detail = f"at {revision}, {behind} migration{plural} behind {HEAD_REVISION}"
        return fail("migrations", detail, upgrade)
    detail = f"at {revision}, which this version does not know (a newer version migrated it?)"
    return fail("migrations", detail, "run the version that migrated it, or downgrade the database with it")


async def check_instances(database: Database, now: datetime) -> Result:
    """Which `run` and `worker` processes are alive (their heartbeat), and whether one runs the jobs."""
    try:
        instances = await asyncio.wait_for(SqlInstances(database.sessions).all(), DATABASE_TIMEOUT_S)
    except Exception as exc:
        return fail("instances", f"cannot read them ({describe(exc)})", "see the database line")
    live = [instance for instance in instances if now - instance.seen_at <= STALE_AFTER]
    dead = [instance for instance in instances if now - instance.seen_at > STALE_AFTER]
    start = "start `retiree-bot run` (or `worker`): it sends the outbox and runs the periodic jobs"
    if not instances:
        return ok("instances", f"none running; {start}")
    gone = (
        f"{_named(dead[0])} stopped reporting {ago(now - dead[0].seen_at)} without a clean stop"
        if dead
        else ""
    )
    if not live:
        return fail("instances", f"none running: {gone}", f"look at its log, then {start}")
    detail = _listing(live, now) + (f"; {gone}" if gone else "")
    if not any(instance.runs_jobs for instance in live):
        advice = "run `retiree-bot run`, or a `retiree-bot worker` without --no-jobs"
        return fail("instances", f"{detail}; none of them runs the periodic jobs", advice)
    alone = [instance for instance in live if instance.budget != "shared"]
    if len(live) > 1 and alone:
        # Each of those paces itself at the whole DELIVERY_RATE: together they exceed Telegram's limit.
        return fail(
            "instances",
            f"{detail}; {len(alone)} of them send without the shared budget",
            "set the same REDIS_URL for every `retiree-bot run` and `worker` of this bot, then restart them",
        )
    return ok("instances", detail)


def _named(instance: Instance) -> str:
    return f"{instance.role} on {instance.host} (pid {instance.pid})"


def _listing(live: Sequence[Instance], now: datetime) -> str:
    if len(live) > 3:
        roles = Counter(instance.role for instance in live)
        jobs = sum(instance.runs_jobs for instance in live)
        counts = ", ".join(f"{count} {role}" for role, count in sorted(roles.items()))
        return f"{len(live)} running ({counts}; {jobs} may run the periodic jobs)"
    return ", ".join(_one(instance, now) for instance in live)


def _one(instance: Instance, now: datetime) -> str:
    work = (
        "sends and leads the jobs"
        if instance.leads
        else "sends and runs the jobs"
        if instance.runs_jobs
        else "sends only"
    )
    seen = ago(now - instance.seen_at)
    return f"{instance.role} on {instance.host} (pid {instance.pid}, {work}, seen {seen})"


# ------------------------------------------------------------------------------------- region and knowledge
def profile_name(settings: Settings) -> str:
    return str(settings.region_profile) if settings.region_profile else f"{DEFAULT_PROFILE.name} (built in)"


def check_region_profile(settings: Settings) -> Result:
    """The region profile loads, with its certification calendar in TIMEZONE."""
    try:
        profile = load_profile(settings.region_profile, settings.timezone)
    except (CalendarError, RegionError, OSError) as exc:
        advice = "fix the file (bot/regions/county.yaml shows every key) or REGION_PROFILE"
        return fail("region profile", str(exc), advice)
    names = profile.region.name
    name = names.get(settings.default_locale) or names.get("zh_Hans") or profile.region.id
    detail = f"{profile_name(settings)}, {name}, {profile.calendar.mode} certification calendar"
    return ok("region profile", detail)


async def check_knowledge(settings: Settings) -> Result:
    """The knowledge base loads and indexes with the region profile, as `run` loads it at start."""
    started = time.perf_counter()
    try:
        answerer = await asyncio.to_thread(load_answerer, settings.region_profile)
    except (KnowledgeError, RegionError, OSError) as exc:
        return fail(
            "knowledge base", str(exc), "fix that entry in bot/knowledge/data (its file and id are named)"
        )
    seconds = time.perf_counter() - started
    kb = answerer.kb
    detail = f"{len(kb.entries)} entries from {len(kb.sources)} documents, loaded in {seconds:.1f} s"
    return ok("knowledge base", detail)


# ------------------------------------------------------------------------------------------------ Telegram
async def check_token(transport: Transport, settings: Settings) -> tuple[Result, BotIdentity | None]:
    """getMe through the configured framework, as `run` calls it first."""
    try:
        me = await asyncio.wait_for(transport.bot_identity(), TELEGRAM_TIMEOUT_S)
    except Exception as exc:
        return telegram_failure("token", exc, settings), None
    via = f"via {settings.telegram_api_base} ({settings.bot_framework})"
    return ok("token", f"the bot is @{me.username} (id {me.id}), {via}"), me


def telegram_failure(check: str, exc: BaseException, settings: Settings) -> Result:
    if isinstance(exc, InvalidToken):
        detail = f"Telegram does not accept BOT_TOKEN ({exc.description})"
        return fail(check, detail, "copy the token again from @BotFather (/mybots, API Token) into BOT_TOKEN")
    network = "check this machine's network and proxy, or TELEGRAM_API_BASE"
    if isinstance(exc, TimeoutError):
        return fail(
            check, f"{settings.telegram_api_base} did not answer within {TELEGRAM_TIMEOUT_S:g} s", network
        )
    if isinstance(exc, TransientError):
        return fail(check, f"cannot reach {settings.telegram_api_base} ({exc.description})", network)
    if isinstance(exc, DeliveryError):
        return fail(check, f"Telegram refused {exc.method}: {exc.description}", "see Telegram's answer")
    return fail(check, f"talking to {settings.telegram_api_base}: {describe(exc)}", network)


async def check_webhook(transport: Transport, settings: Settings, now: datetime) -> Result:
    """What getWebhookInfo says, held against WEBHOOK_URL."""
    try:
        status = await asyncio.wait_for(transport.webhook_status(), TELEGRAM_TIMEOUT_S)
    except Exception as exc:
        return telegram_failure("webhook", exc, settings)
    if not settings.webhook_url:
        detail = "not used: WEBHOOK_URL is not set, so `run` polls"
        if status.url:
            detail += f" (Telegram still sends updates to {status.url}; `run` removes that webhook)"
        return ok("webhook", detail)
    if not status.url:
        waiting = _waiting(status)
        return ok("webhook", f"none registered now{waiting}; `run` registers WEBHOOK_URL when it starts")
    if status.url != settings.webhook_url:
        detail = f"Telegram sends updates to {status.url}, not to WEBHOOK_URL {settings.webhook_url}"
        advice = (
            "another deployment may use this token; else restart `retiree-bot run` to register WEBHOOK_URL"
        )
        return fail("webhook", detail, advice)
    error = _last_error(status)
    if error is not None and now - error[0] < RECENT_WEBHOOK_ERROR:
        detail = f"Telegram could not deliver updates {ago(now - error[0])}: {error[1]}{_waiting(status)}"
        advice = (
            f"check that {settings.webhook_url} reaches WEBHOOK_LISTEN {settings.webhook_listen} through "
            "the reverse proxy, and that `retiree-bot run` is up"
        )
        return fail("webhook", detail, advice)
    detail = f"Telegram sends updates to WEBHOOK_URL{_waiting(status)}"
    if error is not None:
        detail += f"; last delivery error {ago(now - error[0])}: {error[1]}"
    return ok("webhook", detail)


def _last_error(status: WebhookStatus) -> tuple[datetime, str] | None:
    if status.last_error_date is None:
        return None
    return status.last_error_date, status.last_error_message or "no reason given"


def _waiting(status: WebhookStatus) -> str:
    count = status.pending_update_count
    return f", {count} update{'s' if count != 1 else ''} waiting" if count else ""


def ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"
