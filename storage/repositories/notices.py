"""Staff notices, who they reach, and the accounts that turned activity notices off.

The audience is worked out in the database: the retirees of the unit's subtree (alive, narrowed to those
living locally or aged 80 and over), then their own accounts and/or the accounts of their families, each
account once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.activities import (
    Audience,
    AudienceCount,
    AudienceFilter,
    AudienceSpec,
    MessageRef,
    Notice,
    NoticeStatus,
    born_on_or_before,
)
from bot.domain.people import AccountRole
from storage.models import AccountRow, FamilyLinkRow, NoticeOptOutRow, NoticeRow, OrgUnitRow, RetireeRow
from storage.repositories._sql import insert_for, table_of

_N = table_of(NoticeRow)
_OPT = table_of(NoticeOptOutRow)


def _notice(row: Any) -> Notice:
    return Notice(
        id=row.id,
        unit_id=row.unit_id,
        created_by=row.created_by,
        source=MessageRef(row.source_chat_id, row.source_message_id),
        audience=AudienceSpec(row.unit_id, Audience(row.audience), AudienceFilter(row.narrowing)),
        status=NoticeStatus(row.status),
        activity_id=row.activity_id,
        batch_id=row.batch_id,
        progress_shown=row.progress_shown,
        progress_message_id=row.progress_message_id,
    )


class SqlNoticeRepository:
    """Implements bot.ports.NoticeRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self, unit_id: int, created_by: int, source: MessageRef, activity_id: int | None, at: datetime
    ) -> Notice:
        row = NoticeRow(
            unit_id=unit_id,
            created_by=created_by,
            source_chat_id=source.chat_id,
            source_message_id=source.message_id,
            audience=Audience.BOTH.value,
            narrowing=AudienceFilter.ALL.value,
            status=NoticeStatus.DRAFT.value,
            activity_id=activity_id,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return _notice(row)

    async def get(self, notice_id: int) -> Notice | None:
        row = (await self._session.execute(select(_N).where(_N.c.id == notice_id))).first()
        return None if row is None else _notice(row)

    async def set_audience(self, notice_id: int, spec: AudienceSpec) -> None:
        await self._session.execute(
            update(_N)
            .where(_N.c.id == notice_id)
            .values(unit_id=spec.unit_id, audience=spec.audience.value, narrowing=spec.narrowing.value)
        )

    async def set_status(self, notice_id: int, status: NoticeStatus, batch_id: int | None = None) -> bool:
        values: dict[str, Any] = {"status": status.value}
        if batch_id is not None:
            values["batch_id"] = batch_id
        result = await self._session.execute(update(_N).where(_N.c.id == notice_id).values(**values))
        return int(getattr(result, "rowcount", 0)) == 1

    async def move(self, notice_id: int, before: NoticeStatus, after: NoticeStatus) -> bool:
        result = await self._session.execute(
            update(_N).where(_N.c.id == notice_id, _N.c.status == before.value).values(status=after.value)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    def _retirees(self, spec: AudienceSpec, today: date) -> Select[Any]:
        unit_path = select(OrgUnitRow.path).where(OrgUnitRow.id == spec.unit_id).scalar_subquery()
        units = select(OrgUnitRow.id).where(OrgUnitRow.path.startswith(unit_path))
        query = select(RetireeRow.id).where(
            RetireeRow.community_id.in_(units), RetireeRow.deceased.is_(False)
        )
        if spec.narrowing is AudienceFilter.LOCAL:
            query = query.where(RetireeRow.lives_elsewhere.is_(False))
        elif spec.narrowing is AudienceFilter.AGED_80:
            query = query.where(RetireeRow.birth_date <= born_on_or_before(today, 80))
        return query

    def _accounts(self, spec: AudienceSpec, today: date) -> Any:
        retirees = self._retirees(spec, today)
        parts = []
        if spec.audience in (Audience.RETIREES, Audience.BOTH):
            parts.append(
                select(AccountRow.id).where(
                    AccountRow.retiree_id.in_(retirees), AccountRow.role == AccountRole.RETIREE.value
                )
            )
        if spec.audience in (Audience.FAMILIES, Audience.BOTH):
            parts.append(
                select(FamilyLinkRow.account_id)
                .join(AccountRow, AccountRow.id == FamilyLinkRow.account_id)
                .where(FamilyLinkRow.retiree_id.in_(retirees), AccountRow.role == AccountRole.FAMILY.value)
            )
        return union(*parts) if len(parts) > 1 else parts[0]

    async def count_audience(self, spec: AudienceSpec, today: date) -> AudienceCount:
        accounts = self._accounts(spec, today).subquery()
        opted = select(_OPT.c.account_id).where(_OPT.c.account_id == AccountRow.id).exists()
        row = (
            await self._session.execute(
                select(
                    func.count().filter(AccountRow.unreachable.is_(False), ~opted),
                    func.count().filter(AccountRow.unreachable.is_(True)),
                    func.count().filter(AccountRow.unreachable.is_(False), opted),
                ).where(AccountRow.id.in_(select(accounts.c[0])))
            )
        ).one()
        never = 0
        if spec.audience in (Audience.RETIREES, Audience.BOTH):
            has_account = (
                select(AccountRow.id)
                .where(AccountRow.retiree_id == RetireeRow.id, AccountRow.role == AccountRole.RETIREE.value)
                .exists()
            )
            never = int(
                await self._session.scalar(
                    select(func.count())
                    .select_from(RetireeRow)
                    .where(RetireeRow.id.in_(self._retirees(spec, today)), ~has_account)
                )
                or 0
            )
        return AudienceCount(
            reachable=int(row[0]), never_started=never, blocked=int(row[1]), opted_out=int(row[2])
        )

    async def recipients(self, spec: AudienceSpec, today: date) -> Sequence[tuple[int, int, str]]:
        accounts = self._accounts(spec, today).subquery()
        opted = select(_OPT.c.account_id).where(_OPT.c.account_id == AccountRow.id).exists()
        rows = await self._session.execute(
            select(AccountRow.chat_id, AccountRow.id, AccountRow.locale)
            .where(AccountRow.id.in_(select(accounts.c[0])), AccountRow.unreachable.is_(False), ~opted)
            .order_by(AccountRow.id)
        )
        return [(int(chat), int(account), str(locale)) for chat, account, locale in rows]

    async def in_state(self, status: NoticeStatus) -> Sequence[Notice]:
        rows = await self._session.execute(select(_N).where(_N.c.status == status.value).order_by(_N.c.id))
        return [_notice(row) for row in rows]

    async def set_progress_shown(self, notice_id: int, shown: str) -> None:
        await self._session.execute(update(_N).where(_N.c.id == notice_id).values(progress_shown=shown))

    async def set_progress_message(self, notice_id: int, message_id: int) -> None:
        await self._session.execute(
            update(_N).where(_N.c.id == notice_id).values(progress_message_id=message_id)
        )

    async def set_opt_out(self, account_id: int, opted_out: bool) -> None:
        if opted_out:
            await self._session.execute(
                insert_for(self._session, _OPT)
                .values(account_id=account_id, created_at=func.now())
                .on_conflict_do_nothing(index_elements=["account_id"])
            )
        else:
            await self._session.execute(_OPT.delete().where(_OPT.c.account_id == account_id))

    async def opted_out(self, account_id: int) -> bool:
        found = await self._session.scalar(select(_OPT.c.account_id).where(_OPT.c.account_id == account_id))
        return found is not None
