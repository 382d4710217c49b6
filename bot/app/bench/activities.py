"""`retiree-bot bench signups` and `retiree-bot bench broadcast`, on a throwaway PostgreSQL database
(BENCH_PG_URL, default the local test server), filled server-side with generate_series.

signups: one activity with S seats, P retirees bound to accounts press "Sign up" at once through the core
(BotCore.handle, one callback update each, all started together; one in ten presses twice). Figures:
seats, people, confirmed (must equal seats), waitlisted (people - seats), overbooked (places confirmed
beyond the capacity, must be 0), duplicate_signups (sign-ups of one person to one activity beyond the
first, must be 0), p99_ms (one press, update in to actions out), per_s (presses handled a second).

broadcast: N retirees with accounts in the communities of one district; a staff member of the city
confirms a notice to them: enqueue_s is from the confirm (the notice's launch: recipients worked out, one
outbox batch queued with Outbox.enqueue_fanout) to the commit; enqueue_per_s; peak_rss_mb of this
process. Then rate_1000 / ratio_1000 / http_429: 10,000 copies of a staff message (copyMessage, the way a
notice goes out) drained by the Sender over aiogram against the emulator in a process of its own
enforcing L = 1000 messages a second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bot.app.bench.campaign import _UNITS, COMMUNITIES, DEFAULT_PG, _dsn, throwaway_database
from bot.app.bench.delivery import FIRST_USER, TOKEN, emulator_process
from bot.callbacks import ActivityButton
from bot.clock import SystemClock
from bot.core import BotCore
from bot.domain.activities import Audience, AudienceSpec, MessageRef, NewActivity
from bot.domain.outbox import Attachment, AttachmentKind, MessageCategory, OutboxMessage
from bot.events import Event, EventKind
from bot.i18n import I18n
from bot.knowledge.provider import KnowledgeProvider
from bot.memory import peak_rss_mb
from bot.rendering import Renderer
from bot.services import notices
from bot.services.activity_messages import ActivityWords
from bot.services.certification_profile import load_profile
from scheduler.delivery import ActionBuilder, Backoff, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.migrate import upgrade
from storage.repositories.delivery_queue import SqlDeliveryQueue

_PEOPLE = """
INSERT INTO retirees (id, name, id_hash, id_masked, birth_date, retirement_date, community_id, phone,
                      lives_elsewhere, deceased, created_at, updated_at)
  SELECT i, 'Retiree ' || i, md5(i::text) || md5('x' || i::text), '2101**********0000',
         DATE '1940-01-01' + (i % 9000), DATE '2000-01-01', 1000 + (i % {communities}), NULL,
         false, false, now(), now()
  FROM generate_series(1, {n}) i;
INSERT INTO accounts (id, telegram_user_id, chat_id, locale, role, retiree_id, unreachable,
                      created_at, updated_at)
  SELECT i, {first} + i, {first} + i, (ARRAY['zh_Hans', 'zh_Hant', 'en'])[1 + i % 3], 'retiree', i, false,
         now(), now()
  FROM generate_series(1, {n}) i;
INSERT INTO accounts (id, telegram_user_id, chat_id, locale, role, retiree_id, unreachable,
                      created_at, updated_at)
  VALUES ({n} + 1, 1, 1, 'en', 'staff', NULL, false, now(), now());
INSERT INTO staff_memberships (account_id, unit_id, role, created_at) VALUES ({n} + 1, 1, 'admin', now());
"""
STAFF_CHAT = 1


async def _fill(url: str, people: int) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(_UNITS.format(communities=COMMUNITIES))
        await connection.execute(_PEOPLE.format(n=people, communities=COMMUNITIES, first=FIRST_USER))
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def bench_signups(seats: int = 50, people: int = 1000, admin_url: str | None = None) -> dict[str, Any]:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    admin_url = admin_url or os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    async with throwaway_database(admin_url) as url:
        await upgrade(url)
        await _fill(url, people)
        database = Database.from_url(url)
        try:
            now = datetime.now(UTC)
            async with database.uow() as uow:
                activity = await uow.activities.create(
                    NewActivity(
                        1000,
                        "Bench",
                        now + timedelta(days=3),
                        "Hall",
                        seats,
                        now + timedelta(days=2),
                        Audience.BOTH,
                        False,
                        people + 1,
                    ),
                    now,
                )
                await uow.commit()
            core = BotCore(
                uow_factory=database.uow,
                clock=SystemClock(),
                id_hash_key=b"bench",
                i18n=I18n(),
                profile=load_profile(),
                knowledge=KnowledgeProvider(),  # loaded on first use: a press never asks
            )
            data = ActivityButton("s", activity.id).pack()
            presses = [*range(1, people + 1), *range(1, people + 1, 10)]
            timings: list[float] = []

            async def press(update_id: int, account: int) -> None:
                user = FIRST_USER + account
                event = Event(
                    update_id=update_id,
                    kind=EventKind.CALLBACK,
                    chat_id=user,
                    user_id=user,
                    callback_id=f"q{update_id}",
                    callback_data=data,
                    message_id=1,
                )
                started = time.perf_counter()
                await core.handle(event)
                timings.append(time.perf_counter() - started)

            started = time.perf_counter()
            await asyncio.gather(*(press(n, account) for n, account in enumerate(presses, 1)))
            elapsed = time.perf_counter() - started
            connection = await asyncpg.connect(_dsn(url))
            try:
                counts = dict(
                    await connection.fetch("SELECT status, count(*) FROM activity_signups GROUP BY status")
                )
                seats_taken = await connection.fetchval(
                    "SELECT coalesce(sum(1 + companions), 0) FROM activity_signups WHERE status = 'confirmed'"
                )
                dupes = await connection.fetchval(
                    "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM activity_signups "
                    "GROUP BY activity_id, account_id) x"
                )
            finally:
                await connection.close()
        finally:
            await database.dispose()
    timings.sort()
    return {
        "seats": seats,
        "people": people,
        "presses": len(presses),
        "confirmed": int(counts.get("confirmed", 0)),
        "waitlisted": int(counts.get("waitlisted", 0)),
        "overbooked": max(0, int(seats_taken) - seats),
        "duplicate_signups": int(dupes),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 1),
        "per_s": round(len(presses) / elapsed),
    }


async def bench_broadcast(recipients: int = 100_000, admin_url: str | None = None) -> dict[str, Any]:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    admin_url = admin_url or os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    figures: dict[str, Any] = {"recipients": recipients}
    async with throwaway_database(admin_url) as url:
        await upgrade(url)
        await _fill(url, recipients)
        database = Database.from_url(url)
        try:
            i18n = I18n()
            profile = load_profile()
            words = ActivityWords(i18n, Renderer(i18n), profile.calendar.tz)
            now = datetime.now(UTC)
            async with database.uow() as uow:
                notice = await uow.notices.create(1, recipients + 1, MessageRef(STAFF_CHAT, 1), None, now)
                await uow.notices.set_audience(notice.id, AudienceSpec(1, Audience.BOTH))
                notice = await uow.notices.get(notice.id) or notice
                await uow.commit()
            started = time.perf_counter()
            async with database.uow() as uow:
                launched = await notices.launch(uow, notice, now.date(), None, words)
                await uow.commit()
            enqueue_s = time.perf_counter() - started
        finally:
            await database.dispose()
    assert launched is not None
    figures["queued"] = launched.queued
    figures["enqueue_s"] = round(enqueue_s, 3)
    figures["enqueue_per_s"] = round(launched.queued / enqueue_s)
    figures["peak_rss_mb"] = peak_rss_mb()
    figures.update(await _sending_rate(10_000, 1000))
    return figures


async def _sending_rate(count: int, limit: int) -> dict[str, Any]:
    from bot.app.worker import NoUpdates
    from handlers import create_transport  # the frameworks load only for the part that sends

    async with emulator_process(count) as (base_url, control):
        await control.call("send_text", user_id=STAFF_CHAT, text="Tai chi on Saturday")
        source = (await control.call("transcript", chat_id=STAFF_CHAT))[-1]["message_id"]
        await control.call("limits", global_per_s=limit, per_chat_per_s=1, per_group_per_min=20)
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            await upgrade(url)
            database = Database.from_url(url)
            try:
                template = OutboxMessage(
                    chat_id=0,
                    category=MessageCategory.BROADCAST,
                    dedupe_key="-",
                    text="",
                    attachment=Attachment(AttachmentKind.COPY, f"{STAFF_CHAT}:{source}"),
                )
                async with database.uow() as uow:
                    chats = range(FIRST_USER, FIRST_USER + count)
                    await uow.outbox.enqueue_fanout(template, [(c, None, f"b-{c}") for c in chats])
                    await uow.commit()
                transport = create_transport("aiogram", token=TOKEN, api_base=base_url, core=NoUpdates())
                config = SenderConfig(
                    limits=Limits(global_per_s=limit),
                    batch_size=max(100, limit),
                    concurrency=32,
                    poll_interval_s=0.02,
                    flush_interval_s=0.1,
                    backoff=Backoff(base_s=0.5),
                    quiet_hours=QuietHours.parse("off"),
                )
                queue = SqlDeliveryQueue(database.sessions)
                sender = Sender(queue, transport.messenger, ActionBuilder(I18n()), SystemClock(), config)
                try:
                    started = time.perf_counter()
                    await sender.drain(timeout=600)
                    elapsed = time.perf_counter() - started
                finally:
                    await transport.close()
            finally:
                await database.dispose()
        breaches = len(await control.call("limit_breaches"))
    rate = sender.stats.sent / elapsed
    return {
        f"rate_{limit}": round(rate, 1),
        f"ratio_{limit}": round(rate / limit, 3),
        "http_429": breaches,
        "copies_sent": sender.stats.sent,
    }


def render(figures: dict[str, Any]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in figures.items())
