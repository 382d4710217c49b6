"""Links between a family member's account and a retiree."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.records import FamilyLink
from storage.models import FamilyLinkRow, utcnow
from storage.repositories._sql import insert_for


def _record(row: FamilyLinkRow) -> FamilyLink:
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
        rows = await self._session.scalars(
            select(FamilyLinkRow)
            .where(FamilyLinkRow.account_id == account_id)
            .order_by(FamilyLinkRow.id)
            # link() writes past the identity map, so rows loaded earlier may be stale.
            .execution_options(populate_existing=True)
        )
        return [_record(row) for row in rows]

    async def for_retiree(self, retiree_id: int) -> Sequence[FamilyLink]:
        rows = await self._session.scalars(
            select(FamilyLinkRow)
            .where(FamilyLinkRow.retiree_id == retiree_id)
            .order_by(FamilyLinkRow.id)
            .execution_options(populate_existing=True)
        )
        return [_record(row) for row in rows]

    async def remove_for_account(self, account_id: int) -> None:
        await self._session.execute(
            delete(FamilyLinkRow)
            .where(FamilyLinkRow.account_id == account_id)
            # The rows are gone whatever the identity map holds; the reads above repopulate anyway.
            .execution_options(synchronize_session=False)
        )
