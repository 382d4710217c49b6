"""`retiree-bot doctor`: is this installation ready to serve? One line per check (ok, FAIL with what to do,
or skip when something it needs failed above), exit status 1 on any FAIL.

The checks themselves are in checks.py; this module runs them in order, each guarded, and prints.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from typing import TypeVar

from bot.clock import SystemClock
from bot.config import SettingProblem, Settings, load_settings_leniently, missing_secrets
from handlers import create_transport

from .checks import (
    Result,
    Status,
    check_database,
    check_instances,
    check_knowledge,
    check_migrations,
    check_region_profile,
    check_settings,
    check_token,
    check_webhook,
    describe,
    fail,
    scrub,
    secrets_of,
    skip,
    telegram_failure,
)
from .worker import NoUpdates

T = TypeVar("T")


async def doctor(print_line: Callable[[str], None] = print) -> int:
    """Run every check, print a line for each, return the exit status (0: all ok, 1: a problem)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings, problems = load_settings_leniently()
    except Exception as exc:  # e.g. an unreadable .env: nothing else can be checked
        print_line(
            fail("settings", f"cannot be read ({describe(exc)})", "fix the environment or .env").line()
        )
        return 1
    secrets = secrets_of(settings)
    failed = False
    async for result in diagnose(settings, problems):
        failed = failed or result.status is Status.FAIL
        print_line(scrub(result.line(), secrets))
    return 1 if failed else 0


async def diagnose(settings: Settings, problems: Sequence[SettingProblem]) -> AsyncIterator[Result]:
    """The results in order, each as soon as it is known (a slow server shows where it waits)."""
    for result in check_settings(settings, problems):
        yield result
    bad = {problem.name for problem in (*problems, *missing_secrets(settings))}

    database_result, database = await _guarded_with("database", check_database(settings))
    yield database_result
    if database is None:
        yield skip("migrations", "no database, see above")
        yield skip("instances", "no database, see above")
    else:
        try:
            migrations = await _guarded("migrations", check_migrations(database))
            yield migrations
            if migrations.status is Status.OK:
                yield await _guarded("instances", check_instances(database, SystemClock().now()))
            else:
                yield skip("instances", "the schema is not this version's, see above")
        finally:
            await database.dispose()

    blocker = _first(bad, "REGION_PROFILE", "TIMEZONE")
    if blocker:
        yield skip("region profile", f"see setting {blocker} above")
        yield skip("knowledge base", f"see setting {blocker} above")
    else:
        region = await _guarded("region profile", _call(check_region_profile, settings))
        yield region
        if region.status is Status.FAIL:
            yield skip("knowledge base", "the region profile does not load, see above")
        else:
            yield await _guarded("knowledge base", check_knowledge(settings))

    async for result in _telegram(settings, bad):
        yield result


async def _telegram(settings: Settings, bad: Collection[str]) -> AsyncIterator[Result]:
    blocker = _first(bad, "BOT_TOKEN", "BOT_FRAMEWORK", "TELEGRAM_API_BASE")
    if blocker:
        yield skip("token", f"see setting {blocker} above")
        yield skip("webhook", f"see setting {blocker} above")
        return
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    try:
        transport = create_transport(
            settings.bot_framework, token=token, api_base=settings.telegram_api_base, core=NoUpdates()
        )
    except Exception as exc:
        yield telegram_failure("token", exc, settings)
        yield skip("webhook", "the token does not work, see above")
        return
    try:
        token_result, me = await _guarded_with("token", check_token(transport, settings))
        yield token_result
        if me is None:
            yield skip("webhook", "the token does not work, see above")
        else:
            yield await _guarded("webhook", check_webhook(transport, settings, SystemClock().now()))
    finally:
        await transport.close()


def _first(bad: Collection[str], *names: str) -> str | None:
    return next((name for name in names if name in bad), None)


async def _call(function: Callable[[Settings], Result], settings: Settings) -> Result:
    return function(settings)


def _unexpected(check: str, exc: Exception) -> Result:
    return fail(check, f"unexpected {describe(exc)}", "a bug in this check: please report this line")


async def _guarded(check: str, step: Awaitable[Result]) -> Result:
    """The step's result, or a FAIL naming the unexpected error: one broken check must not stop the rest."""
    try:
        return await step
    except Exception as exc:
        return _unexpected(check, exc)


async def _guarded_with(check: str, step: Awaitable[tuple[Result, T | None]]) -> tuple[Result, T | None]:
    """_guarded for a step that also hands on what it opened or learnt."""
    try:
        return await step
    except Exception as exc:
        return _unexpected(check, exc), None
