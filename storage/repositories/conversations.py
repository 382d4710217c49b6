"""Where each chat is in a flow, kept in the database so it survives restarts and spans workers."""

from __future__ import annotations

import copy

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.records import ConversationState
from storage.models import ConversationStateRow, utcnow
from storage.repositories._sql import insert_for


class SqlConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, chat_id: int, user_id: int) -> ConversationState | None:
        row = await self._session.scalar(
            select(ConversationStateRow)
            .where(ConversationStateRow.chat_id == chat_id, ConversationStateRow.user_id == user_id)
            .execution_options(populate_existing=True)
        )
        if row is None:
            return None
        # A deep copy: the caller may mutate `data` freely without touching the ORM's JSON value.
        return ConversationState(flow=row.flow, step=row.step, data=copy.deepcopy(row.data))

    async def save(self, chat_id: int, user_id: int, state: ConversationState) -> None:
        values = {"flow": state.flow, "step": state.step, "data": state.data, "updated_at": utcnow()}
        statement = insert_for(self._session, ConversationStateRow).values(
            chat_id=chat_id, user_id=user_id, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["chat_id", "user_id"], set_=values)
        )

    async def clear(self, chat_id: int, user_id: int) -> None:
        await self._session.execute(
            delete(ConversationStateRow)
            .where(ConversationStateRow.chat_id == chat_id, ConversationStateRow.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
