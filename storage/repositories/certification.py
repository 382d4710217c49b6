"""Certification status per retiree and cycle, and the submissions staff review.

The campaign touches every retiree, so reminders and suspension are single INSERT ... SELECT statements over
a range of retiree ids (the caller walks the roster range by range): nothing is loaded into Python per
retiree, and ON CONFLICT makes a repeated tick harmless.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.certification import (
    KEY_DIGITS,
    CertificationRecord,
    CertList,
    CertListItem,
    CertMethod,
    CertStatus,
    PendingRetiree,
    Recipient,
    RejectReason,
    ReminderBatch,
    RetireeStanding,
    RollingRetiree,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    UnitRecipient,
)
from bot.domain.records import (
    DEFAULT_PRIORITY,
    AccountRole,
    MessageCategory,
    OutboxStatus,
    StaffRole,
    UnitKind,
)
from storage.models import (
    AccountRow,
    CertificationRow,
    CertificationSubmissionRow,
    FamilyLinkRow,
    OrgUnitRow,
    OutboxBatchRow,
    OutboxRow,
    RetireeRow,
    StaffMembershipRow,
    utcnow,
)
from storage.repositories._sql import insert_for, table_of
from storage.repositories.outbox_rows import keyboard_to_json
from storage.types import UTCDateTime

_OPEN = (CertStatus.PENDING.value,)
_NOT_CERTIFIED = (CertStatus.PENDING.value, CertStatus.SELF_REPORTED.value)
_CHUNK = 1000
# PostgreSQL takes the hashes as one array parameter: no limit on how many a statement binds.
_HASHES_PER_STATEMENT = 20_000


# A retiree's status is read on every press of the certification menu: prepared once, read as plain rows.
_CERTIFICATIONS = table_of(CertificationRow)
_SUBMISSIONS = table_of(CertificationSubmissionRow)
_ONE = select(_CERTIFICATIONS).where(
    _CERTIFICATIONS.c.retiree_id == bindparam("retiree_id"), _CERTIFICATIONS.c.cycle == bindparam("cycle")
)
# ...and with it whether a photo of theirs waits for staff.
_WAITING = (
    select(_SUBMISSIONS.c.id)
    .where(
        _SUBMISSIONS.c.retiree_id == bindparam("retiree_id"),
        _SUBMISSIONS.c.status == SubmissionStatus.WAITING.value,
    )
    .limit(1)
)


def _record(row: CertificationRow | Any) -> CertificationRecord:
    """From a mapped row or a result row of the same columns."""
    return CertificationRecord(
        retiree_id=row.retiree_id,
        cycle=row.cycle,
        status=CertStatus(row.status),
        method=CertMethod(row.method) if row.method else None,
        certified_at=row.certified_at,
        self_reported_at=row.self_reported_at,
        visit_requested_at=row.visit_requested_at,
        suspended_at=row.suspended_at,
        restored_at=row.restored_at,
    )


def _aware(value: datetime | None) -> datetime | None:
    """A timestamp from a raw SELECT: the column type's UTC handling does not apply to an aggregate."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _submission(row: CertificationSubmissionRow) -> Submission:
    return Submission(
        id=row.id,
        retiree_id=row.retiree_id,
        cycle=row.cycle,
        account_id=row.account_id,
        kind=SubmissionKind(row.kind),
        file_id=row.file_id,
        status=SubmissionStatus(row.status),
        created_at=row.created_at,
        reason=RejectReason(row.reason) if row.reason else None,
        reviewed_by=row.reviewed_by_account_id,
        reviewed_at=row.reviewed_at,
    )


def _joined(cycle: str) -> Any:
    """Retirees with their status row of the cycle (if any)."""
    return RetireeRow.__table__.outerjoin(
        CertificationRow.__table__,
        and_(CertificationRow.retiree_id == RetireeRow.id, CertificationRow.cycle == cycle),
    )


def _status_in(values: Sequence[str]) -> ColumnElement[bool]:
    column = CertificationRow.status
    if CertStatus.PENDING.value in values:
        return or_(column.is_(None), column.in_(values))
    return column.in_(values)


def _list_filter(which: CertList, all_pending_to_visit: bool) -> ColumnElement[bool]:
    if which is CertList.TO_VISIT:
        if all_pending_to_visit:
            return _status_in(_OPEN)
        return and_(_status_in(_OPEN), CertificationRow.visit_requested_at.is_not(None))
    return _status_in((which.value,))


def _reachable(*roles: AccountRole) -> ColumnElement[bool]:
    return and_(AccountRow.role.in_([role.value for role in roles]), AccountRow.unreachable.is_(false()))


# Who hears about a retiree through a family link: family members, and retirees who look after a spouse.
_LOOKING_AFTER = (AccountRole.FAMILY, AccountRole.RETIREE)


class SqlCertificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- one retiree ----------------------------------------------------------------------------------

    async def _row(self, retiree_id: int, cycle: str) -> CertificationRow | None:
        return await self._session.scalar(
            select(CertificationRow)
            .where(CertificationRow.retiree_id == retiree_id, CertificationRow.cycle == cycle)
            .execution_options(populate_existing=True)
        )

    async def get(self, retiree_id: int, cycle: str) -> CertificationRecord | None:
        row = (await self._session.execute(_ONE, {"retiree_id": retiree_id, "cycle": cycle})).first()
        return None if row is None else _record(row)

    async def last_certified(self, retiree_id: int) -> CertificationRecord | None:
        row = await self._session.scalar(
            select(CertificationRow)
            .where(
                CertificationRow.retiree_id == retiree_id,
                CertificationRow.status == CertStatus.CERTIFIED.value,
            )
            .order_by(CertificationRow.certified_at.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return None if row is None else _record(row)

    async def _upsert(self, retiree_id: int, cycle: str, values: Mapping[str, Any]) -> None:
        now = utcnow()
        statement = insert_for(self._session, CertificationRow).values(
            retiree_id=retiree_id, cycle=cycle, updated_at=now, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["retiree_id", "cycle"], set_={**values, "updated_at": now}
            )
        )

    async def certify(
        self, retiree_id: int, cycle: str, method: CertMethod, at: datetime, by_account_id: int | None
    ) -> CertStatus:
        row = await self._row(retiree_id, cycle)
        before = CertStatus(row.status) if row is not None else CertStatus.PENDING
        if before is CertStatus.CERTIFIED:
            return before
        values: dict[str, Any] = {
            "status": CertStatus.CERTIFIED.value,
            "method": method.value,
            "certified_at": at,
            "certified_by_account_id": by_account_id,
        }
        if before is CertStatus.SUSPENDED:
            values["restored_at"] = at
        await self._upsert(retiree_id, cycle, values)
        return before

    async def self_report(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        row = await self._row(retiree_id, cycle)
        if row is not None and row.status != CertStatus.PENDING.value:
            return False
        await self._upsert(
            retiree_id, cycle, {"status": CertStatus.SELF_REPORTED.value, "self_reported_at": at}
        )
        return True

    async def request_visit(self, retiree_id: int, cycle: str, at: datetime) -> bool:
        row = await self._row(retiree_id, cycle)
        if row is not None and row.visit_requested_at is not None:
            return False
        status = row.status if row is not None else CertStatus.PENDING.value
        await self._upsert(retiree_id, cycle, {"status": status, "visit_requested_at": at})
        return True

    # --- the whole roster, set-based ------------------------------------------------------------------

    async def retiree_id_bounds(self) -> tuple[int, int] | None:
        low, high = (
            await self._session.execute(select(func.min(RetireeRow.id), func.max(RetireeRow.id)))
        ).one()
        return None if low is None else (int(low), int(high))

    def _padded(self, column: Any) -> Any:
        """The id as text, zero-padded like ReminderBatch.dedupe_key."""
        if self._session.get_bind().dialect.name == "sqlite":
            return func.printf(f"%0{KEY_DIGITS}d", column)
        return func.lpad(cast(column, String), KEY_DIGITS, "0")

    async def find_batch(self, kind: str, title: str) -> int | None:
        found = await self._session.scalar(
            select(OutboxBatchRow.id)
            .where(OutboxBatchRow.kind == kind, OutboxBatchRow.title == title)
            .order_by(OutboxBatchRow.id)
            .limit(1)
        )
        return None if found is None else int(found)

    async def enqueue_reminders(self, batch: ReminderBatch, first_id: int, last_id: int) -> int:
        now = utcnow()
        locales = sorted({locale for locale, _ in batch.contexts})
        # One pass over the range: the language and the procedure pick the text with CASE, rather than
        # one statement per language and procedure scanning the same rows again.
        locale = case(
            *((AccountRow.locale == code, literal(code, String)) for code in locales),
            else_=literal(batch.default_locale, String),
        )
        context = case(
            *(
                (and_(locale == code, RetireeRow.lives_elsewhere == elsewhere), literal(dict(body), JSON))
                for (code, elsewhere), body in sorted(batch.contexts.items())
            ),
            else_=literal(None, JSON),
        )
        keyboard = case(
            *(
                (locale == code, literal(keyboard_to_json(batch.keyboards.get(code)), JSON))
                for code in locales
            ),
            else_=literal(None, JSON),
        )
        key = (
            literal(batch.dedupe_prefix, String)
            + self._padded(RetireeRow.id)
            + literal(":", String)
            + self._padded(AccountRow.id)
        )
        source = (
            select(
                key,
                AccountRow.id,
                AccountRow.chat_id,
                literal(MessageCategory.REMINDER.value, String),
                literal(DEFAULT_PRIORITY[MessageCategory.REMINDER]),
                literal(OutboxStatus.QUEUED.value, String),
                literal(batch.template, String),
                context,
                keyboard,
                locale,
                literal(batch.time_zone, String),
                false(),
                literal(0),
                literal(batch.batch_id),
                literal(now, OutboxRow.created_at.type),
            )
            .select_from(
                _joined(batch.cycle).join(AccountRow.__table__, AccountRow.retiree_id == RetireeRow.id)
            )
            .where(
                RetireeRow.id.between(first_id, last_id),
                RetireeRow.deceased.is_(false()),
                _reachable(AccountRole.RETIREE),
                _status_in(_OPEN),
            )
        )
        statement = (
            insert_for(self._session, OutboxRow)
            .from_select(
                [
                    "dedupe_key",
                    "account_id",
                    "chat_id",
                    "category",
                    "priority",
                    "status",
                    "template",
                    "context",
                    "keyboard",
                    "locale",
                    "time_zone",
                    "held_for_quiet",
                    "attempts",
                    "batch_id",
                    "created_at",
                ],
                source,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await self._session.execute(statement)
        return max(int(getattr(result, "rowcount", 0) or 0), 0)

    async def _recipients(self, retiree_ids: Sequence[int], *, family: bool) -> dict[int, list[Recipient]]:
        query: Any
        if family:
            query = (
                select(FamilyLinkRow.retiree_id, AccountRow.id, AccountRow.chat_id, AccountRow.locale)
                .join(AccountRow, AccountRow.id == FamilyLinkRow.account_id)
                .where(FamilyLinkRow.retiree_id.in_(retiree_ids), _reachable(*_LOOKING_AFTER))
                .order_by(AccountRow.id)
            )
        else:
            query = (
                select(AccountRow.retiree_id, AccountRow.id, AccountRow.chat_id, AccountRow.locale)
                .where(AccountRow.retiree_id.in_(retiree_ids), _reachable(AccountRole.RETIREE))
                .order_by(AccountRow.id)
            )
        found: dict[int, list[Recipient]] = {}
        for retiree_id, account_id, chat_id, locale in await self._session.execute(query):
            found.setdefault(int(retiree_id), []).append(Recipient(account_id, chat_id, locale))
        return found

    async def _pending_retirees(self, query: Any, *, own: bool) -> list[PendingRetiree]:
        rows = (await self._session.execute(query)).all()
        ids = [int(r[0]) for r in rows]
        family = await self._recipients(ids, family=True) if ids else {}
        mine = await self._recipients(ids, family=False) if ids and own else {}
        return [
            PendingRetiree(
                retiree_id=rid,
                name=name,
                community_id=community_id,
                lives_elsewhere=elsewhere,
                family=tuple(family.get(rid, ())),
                own=tuple(mine.get(rid, ())),
            )
            for rid, name, community_id, elsewhere in rows
        ]

    async def family_to_tell(self, cycle: str, after_retiree_id: int, limit: int) -> Sequence[PendingRetiree]:
        has_family = (
            select(FamilyLinkRow.id)
            .join(AccountRow, AccountRow.id == FamilyLinkRow.account_id)
            .where(FamilyLinkRow.retiree_id == RetireeRow.id, _reachable(*_LOOKING_AFTER))
            .exists()
        )
        query = (
            select(RetireeRow.id, RetireeRow.name, RetireeRow.community_id, RetireeRow.lives_elsewhere)
            .select_from(_joined(cycle))
            .where(
                RetireeRow.id > after_retiree_id,
                RetireeRow.deceased.is_(false()),
                _status_in(_OPEN),
                CertificationRow.family_told_at.is_(None),
                has_family,
            )
            .order_by(RetireeRow.id)
            .limit(limit)
        )
        return await self._pending_retirees(query, own=False)

    async def rolling_page(self, after_retiree_id: int, limit: int) -> Sequence[RollingRetiree]:
        last = (
            select(func.max(CertificationRow.certified_at))
            .where(
                CertificationRow.retiree_id == RetireeRow.id,
                CertificationRow.status == CertStatus.CERTIFIED.value,
            )
            .scalar_subquery()
        )
        rows = (
            await self._session.execute(
                select(
                    RetireeRow.id, RetireeRow.name, RetireeRow.birth_date, RetireeRow.lives_elsewhere, last
                )
                .where(RetireeRow.id > after_retiree_id, RetireeRow.deceased.is_(false()))
                .order_by(RetireeRow.id)
                .limit(limit)
            )
        ).all()
        ids = [int(r[0]) for r in rows]
        family = await self._recipients(ids, family=True) if ids else {}
        own = await self._recipients(ids, family=False) if ids else {}
        return [
            RollingRetiree(
                retiree_id=rid,
                name=name,
                birth_date=born,
                lives_elsewhere=bool(elsewhere),
                last_certified_at=_aware(certified_at),
                own=tuple(own.get(rid, ())),
                family=tuple(family.get(rid, ())),
            )
            for rid, name, born, elsewhere, certified_at in rows
        ]

    async def _mark(self, cycle: str, retiree_ids: Sequence[int], column: str, at: datetime) -> None:
        now = utcnow()
        for start in range(0, len(retiree_ids), _CHUNK):
            chunk = retiree_ids[start : start + _CHUNK]
            statement = insert_for(self._session, CertificationRow).values(
                [
                    {
                        "retiree_id": rid,
                        "cycle": cycle,
                        "status": CertStatus.PENDING.value,
                        column: at,
                        "updated_at": now,
                    }
                    for rid in chunk
                ]
            )
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["retiree_id", "cycle"], set_={column: at, "updated_at": now}
                )
            )

    async def mark_family_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        await self._mark(cycle, retiree_ids, "family_told_at", at)

    async def suspend_pending(self, cycle: str, at: datetime, first_id: int, last_id: int) -> int:
        source = (
            select(
                RetireeRow.id,
                literal(cycle, String),
                literal(CertStatus.SUSPENDED.value, String),
                literal(at, CertificationRow.suspended_at.type),
                literal(at, CertificationRow.updated_at.type),
            )
            .select_from(_joined(cycle))
            .where(
                RetireeRow.id.between(first_id, last_id),
                RetireeRow.deceased.is_(false()),
                _status_in(_NOT_CERTIFIED),
            )
        )
        statement = insert_for(self._session, CertificationRow).from_select(
            ["retiree_id", "cycle", "status", "suspended_at", "updated_at"], source
        )
        statement = statement.on_conflict_do_update(
            index_elements=["retiree_id", "cycle"],
            set_={
                "status": CertStatus.SUSPENDED.value,
                "suspended_at": statement.excluded.suspended_at,
                "updated_at": statement.excluded.updated_at,
            },
            where=CertificationRow.status.in_(_NOT_CERTIFIED),
        )
        result = await self._session.execute(statement)
        return max(int(getattr(result, "rowcount", 0) or 0), 0)

    async def suspended_to_tell(
        self, cycle: str, after_retiree_id: int, limit: int
    ) -> Sequence[PendingRetiree]:
        query = (
            select(RetireeRow.id, RetireeRow.name, RetireeRow.community_id, RetireeRow.lives_elsewhere)
            .join(CertificationRow, CertificationRow.retiree_id == RetireeRow.id)
            .where(
                CertificationRow.cycle == cycle,
                CertificationRow.status == CertStatus.SUSPENDED.value,
                CertificationRow.suspension_told_at.is_(None),
                RetireeRow.id > after_retiree_id,
                RetireeRow.deceased.is_(false()),
            )
            .order_by(RetireeRow.id)
            .limit(limit)
        )
        return await self._pending_retirees(query, own=True)

    async def mark_suspension_told(self, cycle: str, retiree_ids: Sequence[int], at: datetime) -> None:
        for start in range(0, len(retiree_ids), _CHUNK):
            await self._session.execute(
                update(CertificationRow)
                .where(
                    CertificationRow.cycle == cycle,
                    CertificationRow.retiree_id.in_(retiree_ids[start : start + _CHUNK]),
                )
                .values(suspension_told_at=at)
            )

    # --- staff views ----------------------------------------------------------------------------------

    def _in_units(self, cycle: str, unit_ids: Sequence[int]) -> Any:
        return (
            select()
            .select_from(_joined(cycle))
            .where(RetireeRow.community_id.in_(list(unit_ids)), RetireeRow.deceased.is_(false()))
        )

    async def counts(
        self, cycle: str, unit_ids: Sequence[int], all_pending_to_visit: bool
    ) -> Mapping[CertList, int]:
        status = func.coalesce(CertificationRow.status, CertStatus.PENDING.value)
        to_visit = case((_list_filter(CertList.TO_VISIT, all_pending_to_visit), 1), else_=0)
        query = (
            self._in_units(cycle, unit_ids)
            .add_columns(status, func.count(), func.sum(to_visit))
            .group_by(status)
        )
        result = dict.fromkeys(CertList, 0)
        for value, count, visits in await self._session.execute(query):
            result[CertList(value)] += int(count)
            result[CertList.TO_VISIT] += int(visits or 0)
        return result

    async def standings(self, unit_ids: Sequence[int]) -> Sequence[RetireeStanding]:
        retirees = (
            await self._session.execute(
                select(
                    RetireeRow.id,
                    RetireeRow.name,
                    RetireeRow.id_masked,
                    RetireeRow.community_id,
                    RetireeRow.birth_date,
                    RetireeRow.lives_elsewhere,
                )
                .where(RetireeRow.community_id.in_(list(unit_ids)), RetireeRow.deceased.is_(false()))
                .order_by(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
            )
        ).all()
        records: dict[int, list[CertificationRecord]] = {int(r[0]): [] for r in retirees}
        ids = list(records)
        for start in range(0, len(ids), _CHUNK):
            rows = await self._session.execute(
                select(*CertificationRow.__table__.c)
                .where(CertificationRow.retiree_id.in_(ids[start : start + _CHUNK]))
                .order_by(CertificationRow.cycle)
            )
            for row in rows:
                records[row.retiree_id].append(_record(row))
        return [
            RetireeStanding(
                retiree_id=rid,
                name=name,
                id_masked=masked,
                community_id=community_id,
                birth_date=born,
                lives_elsewhere=bool(elsewhere),
                records=tuple(records[rid]),
            )
            for rid, name, masked, community_id, born, elsewhere in retirees
        ]

    async def listing(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        offset: int,
        limit: int,
    ) -> Sequence[CertListItem]:
        query = self._list_query(cycle, unit_ids, which, all_pending_to_visit).offset(offset).limit(limit)
        return await self._list_items(query)

    async def listing_after(
        self,
        cycle: str,
        unit_ids: Sequence[int],
        which: CertList,
        all_pending_to_visit: bool,
        after: CertListItem | None,
        limit: int,
    ) -> Sequence[CertListItem]:
        query = self._list_query(cycle, unit_ids, which, all_pending_to_visit)
        if after is not None:
            # The list's own order (community, name, id) as one row value: the page starts where the
            # last one stopped, found in the community_id index, however far into the list it is.
            order = tuple_(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
            query = query.where(
                RetireeRow.community_id >= after.community_id,
                order > tuple_(literal(after.community_id), literal(after.name), literal(after.retiree_id)),
            )
        return await self._list_items(query.limit(limit))

    def _list_query(
        self, cycle: str, unit_ids: Sequence[int], which: CertList, all_pending_to_visit: bool
    ) -> Any:
        return (
            self._in_units(cycle, unit_ids)
            .add_columns(
                RetireeRow.id,
                RetireeRow.name,
                RetireeRow.id_masked,
                RetireeRow.community_id,
                CertificationRow.status,
                RetireeRow.lives_elsewhere,
                CertificationRow.visit_requested_at,
                CertificationRow.certified_at,
                CertificationRow.method,
            )
            .where(_list_filter(which, all_pending_to_visit))
            .order_by(RetireeRow.community_id, RetireeRow.name, RetireeRow.id)
        )

    async def _list_items(self, query: Any) -> Sequence[CertListItem]:
        return [
            CertListItem(
                retiree_id=rid,
                name=name,
                id_masked=masked,
                community_id=community_id,
                status=CertStatus(status or CertStatus.PENDING.value),
                lives_elsewhere=bool(elsewhere),
                visit_requested=visit is not None,
                certified_at=certified_at,
                method=CertMethod(method) if method else None,
            )
            for rid, name, masked, community_id, status, elsewhere, visit, certified_at, method in (
                await self._session.execute(query)
            )
        ]

    async def _memberships(self, *conditions: ColumnElement[bool]) -> Sequence[UnitRecipient]:
        query = (
            select(AccountRow.id, AccountRow.chat_id, AccountRow.locale, StaffMembershipRow.unit_id)
            .join(AccountRow, AccountRow.id == StaffMembershipRow.account_id)
            .join(OrgUnitRow, OrgUnitRow.id == StaffMembershipRow.unit_id)
            .where(AccountRow.unreachable.is_(false()), *conditions)
            .order_by(StaffMembershipRow.unit_id, AccountRow.id)
        )
        return [UnitRecipient(*row) for row in await self._session.execute(query)]

    async def supervisors(self, unit_kind: UnitKind) -> Sequence[UnitRecipient]:
        return await self._memberships(
            OrgUnitRow.kind == unit_kind.value,
            StaffMembershipRow.role.in_([StaffRole.SUPERVISOR.value, StaffRole.ADMIN.value]),
        )

    async def staff_accounts(self) -> Sequence[UnitRecipient]:
        return await self._memberships()

    async def certify_by_hashes(
        self, cycle: str, id_hashes: Sequence[str], at: datetime, by_account_id: int | None
    ) -> int:
        """One INSERT ... SELECT ... ON CONFLICT DO UPDATE per batch of hashes: the retirees found are
        certified unless they already were (a suspended one is restored); a hash given twice is one
        retiree, selected once."""
        postgres = self._session.get_bind().dialect.name == "postgresql"
        batch = _HASHES_PER_STATEMENT if postgres else _CHUNK
        changed = 0
        for start in range(0, len(id_hashes), batch):
            hashes = list(id_hashes[start : start + batch])
            found = (
                RetireeRow.id_hash == any_(bindparam("hashes", hashes, type_=ARRAY(String)))
                if postgres
                else RetireeRow.id_hash.in_(hashes)
            )
            result = await self._session.execute(self._certify_found(cycle, found, at, by_account_id))
            changed += int(result.rowcount)  # type: ignore[attr-defined]
        return changed

    def _certify_found(
        self, cycle: str, found: ColumnElement[bool], at: datetime, by_account_id: int | None
    ) -> Any:
        certified = CertStatus.CERTIFIED.value
        when = bindparam("at", at, type_=UTCDateTime())
        now = bindparam("now", utcnow(), type_=UTCDateTime())
        rows = select(
            RetireeRow.id,
            literal(cycle, String),
            literal(certified, String),
            literal(CertMethod.DATA_COMPARISON.value, String),
            when,
            bindparam("by", by_account_id, type_=Integer()),
            now,
        ).where(found)
        columns = ["retiree_id", "cycle", "status", "method", "certified_at", "certified_by_account_id"]
        insert = insert_for(self._session, CertificationRow).from_select([*columns, "updated_at"], rows)
        table = CertificationRow.__table__
        return insert.on_conflict_do_update(
            index_elements=["retiree_id", "cycle"],
            set_={
                "status": insert.excluded.status,
                "method": insert.excluded.method,
                "certified_at": insert.excluded.certified_at,
                "certified_by_account_id": insert.excluded.certified_by_account_id,
                "restored_at": case(
                    (table.c.status == CertStatus.SUSPENDED.value, insert.excluded.certified_at),
                    else_=table.c.restored_at,
                ),
                "updated_at": insert.excluded.updated_at,
            },
            where=table.c.status != certified,
        )

    # --- submissions ----------------------------------------------------------------------------------

    async def add_submission(
        self, retiree_id: int, cycle: str, account_id: int, kind: SubmissionKind, file_id: str, at: datetime
    ) -> Submission:
        row = CertificationSubmissionRow(
            retiree_id=retiree_id,
            cycle=cycle,
            account_id=account_id,
            kind=kind.value,
            file_id=file_id,
            status=SubmissionStatus.WAITING.value,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return _submission(row)

    async def get_submission(self, submission_id: int) -> Submission | None:
        row = await self._session.get(CertificationSubmissionRow, submission_id, populate_existing=True)
        return None if row is None else _submission(row)

    async def has_waiting_submission(self, retiree_id: int) -> bool:
        return (await self._session.execute(_WAITING, {"retiree_id": retiree_id})).first() is not None

    async def waiting_submissions(self, unit_ids: Sequence[int], limit: int) -> Sequence[Submission]:
        rows = await self._session.scalars(
            select(CertificationSubmissionRow)
            .join(RetireeRow, RetireeRow.id == CertificationSubmissionRow.retiree_id)
            .where(
                CertificationSubmissionRow.status == SubmissionStatus.WAITING.value,
                RetireeRow.community_id.in_(list(unit_ids)),
            )
            .order_by(CertificationSubmissionRow.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [_submission(row) for row in rows]

    async def review_submission(
        self,
        submission_id: int,
        approved: bool,
        reason: RejectReason | None,
        by_account_id: int,
        at: datetime,
    ) -> bool:
        result = await self._session.execute(
            update(CertificationSubmissionRow)
            .where(
                CertificationSubmissionRow.id == submission_id,
                CertificationSubmissionRow.status == SubmissionStatus.WAITING.value,
            )
            .values(
                status=(SubmissionStatus.APPROVED if approved else SubmissionStatus.REJECTED).value,
                reason=reason.value if reason else None,
                reviewed_by_account_id=by_account_id,
                reviewed_at=at,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1
