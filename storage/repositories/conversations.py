"""Where each chat is in a flow, kept in the database so it survives restarts and spans workers."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.conversation import ConversationState
from storage.models import ConversationStateRow, utcnow
from storage.repositories._sql import insert_for, table_of

# Every update loads its chat's state and then saves or clears it: the statements are prepared once (per
# dialect for the upsert) and work on the table, as there is no ORM object to keep.
_TABLE = table_of(ConversationStateRow)
_KEY = (_TABLE.c.chat_id == bindparam("chat_id")) & (_TABLE.c.user_id == bindparam("user_id"))
# What `loaded` reads.
STATE_COLUMNS = (_TABLE.c.flow, _TABLE.c.step, _TABLE.c.data)
_LOAD = select(*STATE_COLUMNS).where(_KEY)
_CLEAR = delete(_TABLE).where(_KEY)
_SAVES: dict[str, Any] = {}

_Known = tuple[str, str, dict[str, Any]] | None


def _save_statement(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    statement = _SAVES.get(dialect)
    if statement is None:
        insert = insert_for(session, _TABLE)
        excluded = insert.excluded
        statement = insert.on_conflict_do_update(
            index_elements=["chat_id", "user_id"],
            set_={
                "flow": excluded.flow,
                "step": excluded.step,
                "data": excluded.data,
                "updated_at": excluded.updated_at,
            },
        )
        _SAVES[dialect] = statement
    return statement


class SqlConversationRepository:
    """Skips writes that would change nothing: clearing a state that this transaction found absent, or
    saving the state it loaded (or last saved) unchanged. `updated_at` is thus when the state last
    changed. What was seen is trusted only within the transaction that saw it."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._transaction: object | None = None
        self._known: dict[tuple[int, int], _Known] = {}

    def _remember(self, key: tuple[int, int], known: _Known) -> None:
        transaction = self._session.sync_session.get_transaction()
        if transaction is not self._transaction:
            self._transaction = transaction
            self._known = {}
        if transaction is not None:
            self._known[key] = known

    def _seen(self, key: tuple[int, int]) -> tuple[bool, _Known]:
        """(whether this transaction knows the row, what it holds)."""
        if self._session.sync_session.get_transaction() is not self._transaction or key not in self._known:
            return False, None
        return True, self._known[key]

    async def load(self, chat_id: int, user_id: int) -> ConversationState | None:
        row = (await self._session.execute(_LOAD, {"chat_id": chat_id, "user_id": user_id})).first()
        return self.loaded(chat_id, user_id, row)

    def loaded(self, chat_id: int, user_id: int, row: Any) -> ConversationState | None:
        """The state in a row read in this transaction (flow, step and data; None for no row), remembered
        as `load` remembers it."""
        if row is None:
            self._remember((chat_id, user_id), None)
            return None
        # The JSON column gives a new dict on every read: the caller may mutate it freely, and what is
        # remembered is a copy of its own.
        self._remember((chat_id, user_id), (row.flow, row.step, copy.deepcopy(row.data)))
        return ConversationState(flow=row.flow, step=row.step, data=row.data)

    async def save(self, chat_id: int, user_id: int, state: ConversationState) -> None:
        key = (chat_id, user_id)
        known, held = self._seen(key)
        if known and held == (state.flow, state.step, state.data):
            return
        await self._session.execute(
            _save_statement(self._session),
            {
                "chat_id": chat_id,
                "user_id": user_id,
                "flow": state.flow,
                "step": state.step,
                "data": state.data,
                "updated_at": utcnow(),
            },
        )
        self._remember(key, (state.flow, state.step, copy.deepcopy(state.data)))

    async def in_flow(self, flow: str, limit: int) -> Sequence[tuple[int, int, ConversationState]]:
        rows = await self._session.execute(
            select(_TABLE.c.chat_id, _TABLE.c.user_id, *STATE_COLUMNS)
            .where(_TABLE.c.flow == flow)
            .order_by(_TABLE.c.updated_at)
            .limit(limit)
        )
        return [(r.chat_id, r.user_id, ConversationState(r.flow, r.step, r.data)) for r in rows]

    async def clear(self, chat_id: int, user_id: int) -> None:
        key = (chat_id, user_id)
        known, held = self._seen(key)
        if known and held is None:
            return
        await self._session.execute(_CLEAR, {"chat_id": chat_id, "user_id": user_id})
        self._remember(key, None)
