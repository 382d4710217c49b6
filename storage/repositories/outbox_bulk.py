"""Queuing large batches on PostgreSQL: hundreds of thousands of rows a second of Python-side work.

Both paths send each column as one array parameter and insert with
`INSERT ... SELECT ... FROM unnest(...) ON CONFLICT (dedupe_key) DO NOTHING`: one statement, no temporary
table, still idempotent (duplicates, also within the batch, are skipped) and inside the caller's
transaction. asyncpg encodes a list of ints or strings as an array in C, so the Python cost is one list
per column, not one object per row.

- `unnest_enqueue`: any messages. JSON columns are encoded once per distinct object (a broadcast's
  messages share one keyboard and one context), and constant columns are not sent at all.
- `fanout_enqueue`: one message to many recipients. Only (chat_id, account_id, dedupe_key) vary; every
  other column is one parameter rendered once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox import OutboxMessage, OutboxStatus
from storage.repositories.outbox_rows import FanoutRecipient, keyboard_to_json, row_values

# Rows per statement: big enough that the round trip does not matter, small enough to keep the arrays
# (and the server's work per statement) modest.
CHUNK = 50_000


# Per-row columns with their PostgreSQL array types; keyboard and context go as text and are cast to JSON.
_VARYING = (
    ("dedupe_key", "text"),
    ("account_id", "int"),
    ("chat_id", "bigint"),
    ("category", "text"),
    ("priority", "int"),
    ("text", "text"),
    ("keyboard", "text"),
    ("template", "text"),
    ("context", "text"),
    ("locale", "text"),
    ("attachment_kind", "text"),
    ("attachment_file_id", "text"),
    ("time_zone", "text"),
    ("not_before", "timestamptz"),
    ("batch_id", "int"),
    ("about_retiree_id", "int"),
)
_JSON = frozenset({"keyboard", "context"})
_FANOUT = (("dedupe_key", "text"), ("account_id", "int"), ("chat_id", "bigint"))


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, in the session's transaction (begun if need be)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def _count(status: str) -> int:
    # asyncpg returns the command tag, e.g. "INSERT 0 9998".
    return int(status.rsplit(" ", 1)[-1])


def _json_column(values: Iterable[Any]) -> list[str | None]:
    """JSON text for each value, encoding each distinct object once (shared keyboards and contexts)."""
    memo: dict[int, str | None] = {}
    keep: list[Any] = []  # keeps each memoised object alive, so its id() cannot be reused meanwhile
    out: list[str | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        key = id(value)
        encoded = memo.get(key)
        if encoded is None:
            encoded = json.dumps(value, ensure_ascii=False)
            memo[key] = encoded
            keep.append(value)
        out.append(encoded)
    return out


def _aware(moments: list[datetime | None]) -> list[datetime | None]:
    # The ORM path refuses naive datetimes (storage.types.UTCDateTime); so does this one, rather than let
    # the driver guess their zone.
    if any(m is not None and m.utcoffset() is None for m in moments):
        raise ValueError("naive datetime: only timezone-aware datetimes are stored")
    return moments


def _columns(messages: Sequence[OutboxMessage]) -> dict[str, list[Any]]:
    keyboards: dict[int, Any] = {}
    kb_objects: list[Any] = []

    def keyboard(message: OutboxMessage) -> Any:
        if message.keyboard is None:
            return None
        key = id(message.keyboard)
        if key not in keyboards:
            keyboards[key] = keyboard_to_json(message.keyboard)
            kb_objects.append(message.keyboard)
        return keyboards[key]

    return {
        "dedupe_key": [m.dedupe_key for m in messages],
        "account_id": [m.account_id for m in messages],
        "chat_id": [m.chat_id for m in messages],
        "category": [m.category.value for m in messages],
        "priority": [m.effective_priority for m in messages],
        "text": [m.text for m in messages],
        "keyboard": _json_column(keyboard(m) for m in messages),
        "template": [m.template for m in messages],
        "context": _json_column(m.context if m.template is not None else None for m in messages),
        "locale": [m.locale for m in messages],
        "attachment_kind": [m.attachment.kind.value if m.attachment else None for m in messages],
        "attachment_file_id": [m.attachment.file_id if m.attachment else None for m in messages],
        "time_zone": [m.time_zone for m in messages],
        "not_before": _aware([m.not_before for m in messages]),
        "batch_id": [m.batch_id for m in messages],
        "about_retiree_id": [m.about_retiree_id for m in messages],
    }


_TYPES = dict(_VARYING) | {
    "status": "text",
    "held_for_quiet": "boolean",
    "attempts": "int",
    "created_at": "timestamptz",
}


def _insert_sql(varying: Sequence[tuple[str, str]], constant: Sequence[str]) -> str:
    """INSERT of the unnested arrays $1..$n, then the constant columns as the parameters after them
    (each cast: PostgreSQL does not infer a parameter's type from the INSERT's target column)."""
    arrays = ", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(varying, 1))
    names = [name for name, _ in varying]
    selected = [f"u.{name}::json" if name in _JSON else f"u.{name}" for name in names]
    first = len(varying) + 1
    constants = [
        f"${n}::text::json" if name in _JSON else f"${n}::{_TYPES[name]}"
        for n, name in enumerate(constant, first)
    ]
    columns = ", ".join([*names, *constant])
    return (
        f"INSERT INTO outbox ({columns}) "
        f"SELECT {', '.join([*selected, *constants])} "
        f"FROM unnest({arrays}) AS u({', '.join(names)}) "
        "ON CONFLICT (dedupe_key) DO NOTHING"
    )


_STATE = ("status", "held_for_quiet", "attempts", "created_at")
_MANY_SQL = _insert_sql(_VARYING, _STATE)


async def unnest_enqueue(session: AsyncSession, messages: Sequence[OutboxMessage], now: datetime) -> int:
    driver = await _driver(session)
    added = 0
    for start in range(0, len(messages), CHUNK):
        columns = _columns(messages[start : start + CHUNK])
        status = await driver.execute(
            _MANY_SQL,
            *(columns[name] for name, _ in _VARYING),
            OutboxStatus.QUEUED.value,
            False,
            0,
            now,
        )
        added += _count(status)
    return added


_SHARED = tuple(name for name, _ in _VARYING if name not in {name for name, _ in _FANOUT})
_FANOUT_SQL = _insert_sql(_FANOUT, (*_SHARED, *_STATE))


async def fanout_enqueue(
    session: AsyncSession, template: OutboxMessage, recipients: Iterable[FanoutRecipient], now: datetime
) -> int:
    """`template` to each recipient; its own chat_id, account_id and dedupe_key are not used."""
    shared = row_values(template, now)
    for name in _JSON:
        shared[name] = json.dumps(shared[name], ensure_ascii=False) if shared[name] is not None else None
    constants = [shared[name] for name in _SHARED]
    driver = await _driver(session)
    added = 0
    chunk: list[FanoutRecipient] = []
    for recipient in recipients:
        chunk.append(recipient)
        if len(chunk) == CHUNK:
            added += await _fanout_chunk(driver, chunk, constants, now)
            chunk = []
    if chunk:
        added += await _fanout_chunk(driver, chunk, constants, now)
    return added


async def _fanout_chunk(
    driver: Any, chunk: list[FanoutRecipient], constants: list[Any], now: datetime
) -> int:
    chats, accounts, keys = zip(*chunk, strict=True)
    status = await driver.execute(
        _FANOUT_SQL,
        list(keys),
        list(accounts),
        list(chats),
        *constants,
        OutboxStatus.QUEUED.value,
        False,
        0,
        now,
    )
    return _count(status)
