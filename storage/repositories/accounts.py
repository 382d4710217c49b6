"""Telegram accounts: one per Telegram user, whatever role they turn out to have."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import Account, AccountRole
from storage.errors import RecordNotFound
from storage.models import AccountRow, utcnow
from storage.repositories._sql import insert_for, table_of

# What `account_record` reads. Every update looks its account up: a prepared Core statement of these
# columns (see table_of).
_ACCOUNTS = table_of(AccountRow)
ACCOUNT_COLUMNS = (
    _ACCOUNTS.c.id,
    _ACCOUNTS.c.telegram_user_id,
    _ACCOUNTS.c.chat_id,
    _ACCOUNTS.c.locale,
    _ACCOUNTS.c.role,
    _ACCOUNTS.c.retiree_id,
    _ACCOUNTS.c.unreachable,
)
_BY_USER = select(*ACCOUNT_COLUMNS).where(_ACCOUNTS.c.telegram_user_id == bindparam("telegram_user_id"))


def account_record(row: AccountRow | Any) -> Account:
    """From a mapped row or a result row of the same columns."""
    return Account(
        id=row.id,
        telegram_user_id=row.telegram_user_id,
        chat_id=row.chat_id,
        locale=row.locale,
        role=AccountRole(row.role),
        retiree_id=row.retiree_id,
        unreachable=row.unreachable,
    )


class SqlAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, account_id: int) -> AccountRow:
        row = await self._session.get(AccountRow, account_id)
        if row is None:
            raise RecordNotFound("account", account_id)
        return row

    async def _row_by_user(self, telegram_user_id: int) -> AccountRow | None:
        return await self._session.scalar(
            select(AccountRow).where(AccountRow.telegram_user_id == telegram_user_id)
        )

    async def get(self, account_id: int) -> Account | None:
        row = await self._session.get(AccountRow, account_id)
        return None if row is None else account_record(row)

    async def get_by_telegram_user(self, telegram_user_id: int) -> Account | None:
        row = await self._row_by_user(telegram_user_id)
        return None if row is None else account_record(row)

    async def get_or_create(self, telegram_user_id: int, chat_id: int, locale: str) -> Account:
        found = await self._columns_by_user(telegram_user_id)
        if found is None:
            # ON CONFLICT: two workers may see the same user's first two updates at once.
            now = utcnow()
            await self._session.execute(
                insert_for(self._session, AccountRow)
                .values(
                    telegram_user_id=telegram_user_id,
                    chat_id=chat_id,
                    locale=locale,
                    role=AccountRole.NEW.value,
                    unreachable=False,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["telegram_user_id"])
            )
            found = await self._columns_by_user(telegram_user_id)
            if found is None:  # pragma: no cover - the insert or the other worker's row must be there
                raise RecordNotFound("account for telegram user", telegram_user_id)
        elif found.chat_id != chat_id:
            row = await self._row(found.id)
            row.chat_id = chat_id
            await self._session.flush()
            return account_record(row)
        return account_record(found)

    async def _columns_by_user(self, telegram_user_id: int) -> Any:
        result = await self._session.execute(_BY_USER, {"telegram_user_id": telegram_user_id})
        return result.first()

    async def set_locale(self, account_id: int, locale: str) -> None:
        row = await self._row(account_id)
        if row.locale != locale:
            row.locale = locale
            await self._session.flush()

    async def set_role(self, account_id: int, role: AccountRole, retiree_id: int | None = None) -> None:
        row = await self._row(account_id)
        row.role = role.value
        row.retiree_id = retiree_id
        await self._session.flush()

    async def set_unreachable(self, account_id: int, unreachable: bool = True) -> None:
        """Telegram answered 403 (the user blocked the bot), or the user came back."""
        row = await self._row(account_id)
        row.unreachable = unreachable
        await self._session.flush()

    async def for_retiree(self, retiree_id: int) -> Sequence[Account]:
        rows = await self._session.scalars(
            select(AccountRow)
            .where(AccountRow.retiree_id == retiree_id, AccountRow.role == AccountRole.RETIREE.value)
            .order_by(AccountRow.id)
        )
        return [account_record(row) for row in rows]
