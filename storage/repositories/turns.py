"""The start of every private update's transaction in one trip through SQLAlchemy: claim the update id,
then read the sender's account joined with the chat's conversation state.

Done as updates.claim, accounts.get_or_create and conversations.load, that was three statements, each with
the ORM session's full cost: 0.4 ms of the core's 2 ms per update. Here the session runs once, and two Core
statements go straight to its connection. A first contact (no account yet) or a user writing from a new
chat takes the repositories' own path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.domain.records import Turn
from storage.models import AccountRow, ConversationStateRow
from storage.repositories.accounts import SqlAccountRepository, account_record
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.updates import claim_statement

_ACCOUNTS = cast(Table, AccountRow.__table__)
_STATES = cast(Table, ConversationStateRow.__table__)
_ACCOUNT_WITH_STATE = (
    select(
        _ACCOUNTS.c.id,
        _ACCOUNTS.c.telegram_user_id,
        _ACCOUNTS.c.chat_id,
        _ACCOUNTS.c.locale,
        _ACCOUNTS.c.role,
        _ACCOUNTS.c.retiree_id,
        _ACCOUNTS.c.unreachable,
        _STATES.c.flow,
        _STATES.c.step,
        _STATES.c.data,
    )
    .select_from(
        _ACCOUNTS.outerjoin(
            _STATES,
            (_STATES.c.chat_id == bindparam("chat_id")) & (_STATES.c.user_id == _ACCOUNTS.c.telegram_user_id),
        )
    )
    .where(_ACCOUNTS.c.telegram_user_id == bindparam("user_id"))
)


def _claim_and_read(
    session: Session, claim: Any, update_id: int, now: datetime, user_id: int, chat_id: int
) -> Any:
    """On the session's connection: None when the update was claimed before, else the joined row (or
    False when the sender has no account yet)."""
    connection = session.connection()
    if connection.execute(claim, {"update_id": update_id, "processed_at": now}).first() is None:
        return None
    row = connection.execute(_ACCOUNT_WITH_STATE, {"user_id": user_id, "chat_id": chat_id}).first()
    return False if row is None else row


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
    found = await session.run_sync(
        _claim_and_read, claim_statement(session), update_id, now, user_id, chat_id
    )
    if found is None:
        return None
    if found is False or found.chat_id != chat_id:
        account = await accounts.get_or_create(user_id, chat_id, locale)
        return Turn(account, await conversations.load(chat_id, user_id))
    state = conversations.loaded(chat_id, user_id, found if found.flow is not None else None)
    return Turn(account_record(found), state)
