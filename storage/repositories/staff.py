"""Staff memberships of org units, and the one-time invites that create them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.people import StaffInvite, StaffMembership, StaffRole
from storage.models import StaffInviteRow, StaffMembershipRow, utcnow
from storage.repositories._sql import insert_for


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_membership(self, account_id: int, unit_id: int, role: StaffRole) -> None:
        """Create the membership, or change its role if the account already belongs to the unit."""
        statement = insert_for(self._session, StaffMembershipRow).values(
            account_id=account_id, unit_id=unit_id, role=role.value, created_at=utcnow()
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "unit_id"], set_={"role": statement.excluded.role}
            )
        )

    async def memberships(self, account_id: int) -> Sequence[StaffMembership]:
        rows = await self._session.scalars(
            select(StaffMembershipRow)
            .where(StaffMembershipRow.account_id == account_id)
            .order_by(StaffMembershipRow.id)
            # add_membership() writes past the identity map, so rows loaded earlier may be stale.
            .execution_options(populate_existing=True)
        )
        return [
            StaffMembership(account_id=r.account_id, unit_id=r.unit_id, role=StaffRole(r.role)) for r in rows
        ]

    async def create_invite(
        self, token_hash: str, unit_id: int, role: StaffRole, expires_at: datetime
    ) -> None:
        self._session.add(
            StaffInviteRow(token_hash=token_hash, unit_id=unit_id, role=role.value, expires_at=expires_at)
        )
        await self._session.flush()

    async def redeem_invite(self, token_hash: str, account_id: int, now: datetime) -> StaffInvite | None:
        # One conditional UPDATE: two people racing for the same link cannot both win it.
        result = await self._session.execute(
            update(StaffInviteRow)
            .where(
                StaffInviteRow.token_hash == token_hash,
                StaffInviteRow.used_at.is_(None),
                StaffInviteRow.expires_at > now,
            )
            .values(used_at=now, used_by_account_id=account_id)
            .returning(StaffInviteRow.unit_id, StaffInviteRow.role, StaffInviteRow.expires_at)
            .execution_options(synchronize_session=False)
        )
        found = result.one_or_none()
        if found is None:
            return None
        unit_id, role, expires_at = found
        return StaffInvite(unit_id=unit_id, role=StaffRole(role), expires_at=expires_at)
