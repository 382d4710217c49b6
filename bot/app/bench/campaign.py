"""`retiree-bot bench campaign [--retirees N] [--json]`: one campaign tick over N retirees on PostgreSQL.

A throwaway database (BENCH_PG_URL, default the local test server) is migrated and filled server-side with
generate_series: N retirees under 1,000 communities (2% deceased, 5% living elsewhere), 70% of the alive
ones bound to a Telegram account (1% of those blocked the bot; languages mixed), 10% already certified.
Then the tick of 1 March 09:30 runs: reminder 1 to every alive, bound, pending retiree, set-based
(INSERT ... SELECT ... ON CONFLICT DO NOTHING, one transaction per range of ids). Figures: retirees, enqueued,
seconds, per_s (retirees scanned per second), peak_rss_mb (this process), and a repeated tick's enqueued
(should be 0) and seconds.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.engine import make_url

from bot.app import CommandError
from bot.i18n import I18n
from bot.memory import peak_rss_mb
from bot.progress import NO_PROGRESS, Progress
from bot.rendering import Renderer
from bot.services.certification_campaign import Campaign
from bot.services.certification_messages import CertificationTexts
from bot.services.certification_profile import load_profile
from storage.database import Database
from storage.migrate import upgrade

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
COMMUNITIES = 1000
WORKERS = 2  # ranges in flight: PostgreSQL works on each in a backend (a core) of its own
TICK_AT = datetime(2027, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

# One city, 10 districts, 100 streets, COMMUNITIES communities; fixed ids, so retirees can refer to them.
_UNITS = """
INSERT INTO org_units (id, code, name, kind, parent_id, path) VALUES (1, 'C', 'City', 'city', NULL, '/1/');
INSERT INTO org_units (id, code, name, kind, parent_id, path)
  SELECT 1 + d, 'D' || d, 'District ' || d, 'district', 1, '/1/' || (1 + d) || '/'
  FROM generate_series(1, 10) d;
INSERT INTO org_units (id, code, name, kind, parent_id, path)
  SELECT 100 + s, 'S' || s, 'Street ' || s, 'street', 2 + s % 10,
         '/1/' || (2 + s % 10) || '/' || (100 + s) || '/'
  FROM generate_series(1, 100) s;
INSERT INTO org_units (id, code, name, kind, parent_id, path)
  SELECT 1000 + c, 'K' || c, 'Community ' || c, 'community', 101 + c % 100,
         '/1/' || (2 + (1 + c % 100) % 10) || '/' || (101 + c % 100) || '/' || (1000 + c) || '/'
  FROM generate_series(0, {communities} - 1) c;
"""
_RETIREES = """
INSERT INTO retirees (id, name, id_hash, id_masked, birth_date, retirement_date, community_id, phone,
                      lives_elsewhere, deceased, created_at, updated_at)
  SELECT i, 'Retiree ' || i, md5(i::text) || md5('x' || i::text),
         '2101**********' || lpad((i % 10000)::text, 4, '0'),
         DATE '1940-01-01' + (i % 9000), DATE '2000-01-01' + (i % 7000), 1000 + (i % {communities}), NULL,
         i % 20 = 7, i % 50 = 3, now(), now()
  FROM generate_series(1, {n}) i;
"""
_ACCOUNTS = """
INSERT INTO accounts (id, telegram_user_id, chat_id, locale, role, retiree_id, unreachable,
                      created_at, updated_at)
  SELECT i, 10000000 + i, 10000000 + i,
         (ARRAY['zh_Hans', 'zh_Hans', 'zh_Hans', 'zh_Hant', 'en'])[1 + i % 5], 'retiree', i, i % 100 = 11,
         now(), now()
  FROM generate_series(1, {n}) i WHERE i % 10 < 7 AND i % 50 <> 3;
"""
_CERTIFIED = """
INSERT INTO certifications (retiree_id, cycle, status, method, certified_at, updated_at)
  SELECT i, '2027', 'certified', 'data_comparison', now(), now()
  FROM generate_series(1, {n}) i WHERE i % 10 = 4;
"""


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def throwaway_database(admin_url: str, bench: str = "campaign") -> AsyncIterator[str]:
    try:
        admin = await asyncpg.connect(_dsn(admin_url), timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise CommandError(f"bench {bench} needs PostgreSQL ({admin_url}): {type(exc).__name__}") from None
    name = f"rb_bench_{bench}_{secrets.token_hex(4)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def fill(url: str, retirees: int) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        values = {"n": retirees, "communities": COMMUNITIES}
        for statement in (_UNITS, _RETIREES, _ACCOUNTS, _CERTIFIED):
            await connection.execute(statement.format(**values))
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def bench_campaign(
    retirees: int = 1_000_000, admin_url: str | None = None, *, progress: Progress = NO_PROGRESS
) -> dict[str, Any]:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    admin_url = admin_url or os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    async with throwaway_database(admin_url) as url:
        progress.stage("migrating a throwaway database")
        await upgrade(url)
        started = time.perf_counter()
        progress.stage(f"filling it with {retirees:,} retirees")
        await fill(url, retirees)
        generated_s = time.perf_counter() - started
        database = Database.from_url(url)
        try:
            i18n = I18n()
            texts = CertificationTexts(Renderer(i18n), load_profile())
            campaign = Campaign(database.uow, i18n, texts, workers=WORKERS)
            progress.stage("the campaign tick")
            started = time.perf_counter()
            report = await campaign.tick(TICK_AT)
            seconds = time.perf_counter() - started
            progress.stage("the same tick again")
            started = time.perf_counter()
            again = await campaign.tick(TICK_AT)
            again_s = time.perf_counter() - started
        finally:
            await database.dispose()
    return {
        "retirees": retirees,
        "enqueued": report.reminders,
        "seconds": round(seconds, 2),
        "per_s": round(retirees / seconds),
        "peak_rss_mb": peak_rss_mb(),
        "repeat_enqueued": again.reminders,
        "repeat_seconds": round(again_s, 2),
        "generate_seconds": round(generated_s, 1),
    }


def render(figures: dict[str, Any]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in figures.items())
