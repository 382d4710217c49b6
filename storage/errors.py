"""Errors the repositories raise when asked to break the contract in bot.ports."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError


class UnknownUnitCode(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no org unit with code {code!r}")
        self.code = code


class RecordNotFound(LookupError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"no {what} with id {key!r}")


class UnitCycle(ValueError):
    """Moving a unit below one of its own descendants."""


# asyncpg's errors for a server that went away or is not ready yet, checked by name so that SQLite-only
# installations need not import asyncpg. SQLite's own errors (a locked file, a missing table) are not
# among them: they fail the update as any other error does.
_GONE_NAMES = frozenset(
    {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "CannotConnectNowError",
        "AdminShutdownError",
        "CrashShutdownError",
    }
)


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` says the database is away (refused, dropped, restarting), as opposed to a statement
    it refused: the work may be tried again later."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, (OSError, TimeoutError, ConnectionError)):
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        if type(exc).__name__ in _GONE_NAMES:
            return True
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        seen += 1
    return False
