"""Links between a family member's account and a retiree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import FamilyLink
from storage.models import FamilyLinkRow, utcnow
from storage.repositories._sql import insert_for, table_of

# Read on every certification menu and most replies naming a community: prepared once, read as plain rows
# (link() writes past the session's identity map, so mapped objects loaded earlier could be stale).
_LINKS = table_of(FamilyLinkRow)
_LINK_COLUMNS = (_LINKS.c.account_id, _LINKS.c.retiree_id, _LINKS.c.relation)
_FOR_ACCOUNT = (
    select(*_LINK_COLUMNS).where(_LINKS.c.account_id == bindparam("account_id")).order_by(_LINKS.c.id)
)
_FOR_RETIREE = (
    select(*_LINK_COLUMNS).where(_LINKS.c.retiree_id == bindparam("retiree_id")).order_by(_LINKS.c.id)
)


def _record(row: FamilyLinkRow | Any) -> FamilyLink:
    return FamilyLink(account_id=row.account_id, retiree_id=row.retiree_id, relation=row.relation)


class SqlFamilyLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def link(self, account_id: int, retiree_id: int, relation: str) -> None:
        statement = insert_for(self._session, FamilyLinkRow).values(
            account_id=account_id, retiree_id=retiree_id, relation=relation, created_at=utcnow()
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "retiree_id"], set_={"relation": statement.excluded.relation}
            )
        )

    async def for_account(self, account_id: int) -> Sequence[FamilyLink]:
        rows = await self._session.execute(_FOR_ACCOUNT, {"account_id": account_id})
        return [_record(row) for row in rows]

    async def for_retiree(self, retiree_id: int) -> Sequence[FamilyLink]:
        rows = await self._session.execute(_FOR_RETIREE, {"retiree_id": retiree_id})
        return [_record(row) for row in rows]

    async def remove_for_account(self, account_id: int) -> None:
        await self._session.execute(
            delete(FamilyLinkRow)
            .where(FamilyLinkRow.account_id == account_id)
            # The rows are gone whatever the identity map holds; the reads above read plain rows.
            .execution_options(synchronize_session=False)
        )
