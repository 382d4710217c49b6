"""Which errors say the database is away (the work is tried again later) and which a statement failed."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from storage.errors import is_unavailable


def _chained(outer: Exception, cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except Exception as exc:
        return exc


def test_a_refused_or_dropped_connection_is_unavailable() -> None:
    assert is_unavailable(ConnectionRefusedError(111, "Connect call failed"))
    assert is_unavailable(_chained(RuntimeError("wrapped"), ConnectionResetError()))
    dropped = OperationalError("SELECT 1", {}, Exception("closed"), connection_invalidated=True)
    assert is_unavailable(dropped)


def test_a_statement_the_database_refused_is_not() -> None:
    assert not is_unavailable(None)
    assert not is_unavailable(ValueError("a bug"))
    missing = OperationalError("SELECT * FROM nowhere", {}, sqlite3.OperationalError("no such table"))
    assert not is_unavailable(missing)


def _locked() -> None:
    try:
        raise TimeoutError
    except TimeoutError:
        raise sqlite3.OperationalError("database is locked") from None


def test_sqlite_busy_beyond_its_timeout_is_not_a_database_that_went_away() -> None:
    with pytest.raises(sqlite3.OperationalError) as caught:
        _locked()
    assert not is_unavailable(caught.value)
