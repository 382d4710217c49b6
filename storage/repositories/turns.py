"""The start of every private update's transaction in one trip through SQLAlchemy: claim the update id,
then read the sender's account joined with the chat's conversation state.

Done as updates.claim, accounts.get_or_create and conversations.load, that was three statements, each with
the ORM session's full cost, on every update (docs/performance.md). Here the session runs once, and two
statements go straight to its connection. A first contact (no account yet) or a user writing from a new
chat takes the repositories' own path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.domain.conversation import Turn
from storage.models import AccountRow, ConversationStateRow
from storage.repositories._sql import table_of
from storage.repositories.accounts import ACCOUNT_COLUMNS, SqlAccountRepository, account_record
from storage.repositories.conversations import STATE_COLUMNS, SqlConversationRepository
from storage.repositories.updates import claim_statement

_ACCOUNTS = table_of(AccountRow)
_STATES = table_of(ConversationStateRow)
_ACCOUNT_WITH_STATE: Select[Any] = (
    select(*ACCOUNT_COLUMNS, *STATE_COLUMNS)
    .select_from(_ACCOUNTS)
    .outerjoin(
        _STATES,
        (_STATES.c.chat_id == bindparam("chat_id")) & (_STATES.c.user_id == _ACCOUNTS.c.telegram_user_id),
    )
    .where(_ACCOUNTS.c.telegram_user_id == bindparam("user_id"))
)


def _claim_and_read(
    session: Session, claim: Any, update_id: int, now: datetime, user_id: int, chat_id: int
) -> tuple[bool, Row[Any] | None]:
    """On the session's connection: whether the update was claimed now (False: claimed before), and if
    so the sender's account joined with the chat's state (None when there is no account yet)."""
    connection = session.connection()
    if connection.execute(claim, {"update_id": update_id, "processed_at": now}).first() is None:
        return False, None
    return True, connection.execute(_ACCOUNT_WITH_STATE, {"user_id": user_id, "chat_id": chat_id}).first()


async def open_turn(
    session: AsyncSession,
    accounts: SqlAccountRepository,
    conversations: SqlConversationRepository,
    update_id: int,
    now: datetime,
    user_id: int,
    chat_id: int,
    locale: str,
) -> Turn | None:
    claimed, found = await session.run_sync(
        _claim_and_read, claim_statement(session), update_id, now, user_id, chat_id
    )
    if not claimed:
        return None
    if found is None or found.chat_id != chat_id:
        account = await accounts.get_or_create(user_id, chat_id, locale)
        return Turn(account, await conversations.load(chat_id, user_id))
    state = conversations.loaded(chat_id, user_id, found if found.flow is not None else None)
    return Turn(account_record(found), state)
