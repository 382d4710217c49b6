"""Activities and their sign-ups. Places are taken and given back only by conditional UPDATEs of the
activity's `taken` count, so concurrent presses never overbook: on PostgreSQL the UPDATE locks the
activity's row and re-checks `taken + seats <= capacity` against the committed count; on SQLite every
transaction holds the write lock from its start (storage.database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.activities import (
    HOLDS_A_PLACE,
    Activity,
    Attendee,
    Audience,
    MyActivity,
    NewActivity,
    Signup,
    SignupOutcome,
    SignupStatus,
)
from bot.domain.people import AccountRole
from storage.models import AccountRow, ActivityRow, FamilyLinkRow, RetireeRow, SignupRow
from storage.repositories._sql import insert_for, table_of

_A = table_of(ActivityRow)
_S = table_of(SignupRow)
_ACTIVE = (SignupStatus.CONFIRMED.value, SignupStatus.OFFERED.value, SignupStatus.WAITLISTED.value)
_HOLDING = tuple(s.value for s in HOLDS_A_PLACE)


def _activity(row: Any) -> Activity:
    return Activity(
        id=row.id,
        unit_id=row.unit_id,
        title=row.title,
        starts_at=row.starts_at,
        place=row.place,
        capacity=row.capacity,
        taken=row.taken,
        signup_deadline=row.signup_deadline,
        audience=Audience(row.audience),
        companions=row.companions,
        cancelled=row.cancelled,
        created_by=row.created_by,
    )


def _signup(row: Any) -> Signup:
    return Signup(
        id=row.id,
        activity_id=row.activity_id,
        account_id=row.account_id,
        status=SignupStatus(row.status),
        companions=row.companions,
        offer_expires_at=row.offer_expires_at,
        attended=row.attended,
    )


def _seq(at: datetime) -> int:
    """Order on the waitlist: when they pressed, to the microsecond (ties go by row id)."""
    return int(at.timestamp() * 1_000_000)


class SqlActivityRepository:
    """Implements bot.ports.ActivityRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, new: NewActivity, at: datetime) -> Activity:
        row = ActivityRow(
            unit_id=new.unit_id,
            title=new.title,
            starts_at=new.starts_at,
            place=new.place,
            capacity=new.capacity,
            taken=0,
            signup_deadline=new.signup_deadline,
            audience=new.audience.value,
            companions=new.companions,
            cancelled=False,
            created_by=new.created_by,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return _activity(row)

    async def get(self, activity_id: int) -> Activity | None:
        row = (await self._session.execute(select(_A).where(_A.c.id == activity_id))).first()
        return None if row is None else _activity(row)

    async def _take(self, activity_id: int, seats: int, *only: ColumnElement[bool]) -> bool:
        result = await self._session.execute(
            update(_A)
            .where(
                _A.c.id == activity_id,
                _A.c.cancelled.is_(False),
                or_(_A.c.capacity.is_(None), _A.c.taken + seats <= _A.c.capacity),
                *only,
            )
            .values(taken=_A.c.taken + seats)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    async def _give_back(self, activity_id: int, seats: int) -> None:
        await self._session.execute(update(_A).where(_A.c.id == activity_id).values(taken=_A.c.taken - seats))

    async def sign_up(
        self, activity_id: int, account_id: int, companions: int, at: datetime
    ) -> SignupOutcome | None:
        activity = await self.get(activity_id)
        if activity is None or activity.cancelled:
            return None
        existing = await self.signup_of(activity_id, account_id)
        if existing is not None and existing.status.value in _ACTIVE:
            return SignupOutcome(
                existing, existing.status, await self.waitlist_position(existing.id), already=True
            )
        companions = companions if activity.companions else 0
        seats = 1 + companions
        nobody_waits = ~(
            select(_S.c.id)
            .where(_S.c.activity_id == activity_id, _S.c.status == SignupStatus.WAITLISTED.value)
            .exists()
        )
        took = await self._take(activity_id, seats, nobody_waits)
        status = SignupStatus.CONFIRMED if took else SignupStatus.WAITLISTED
        values = {
            "status": status.value,
            "companions": companions,
            "seq": _seq(at),
            "offer_expires_at": None,
            "attended": None,
            "updated_at": at,
        }
        if existing is not None:
            result = await self._session.execute(
                update(_S)
                .where(_S.c.id == existing.id, _S.c.status.not_in(_ACTIVE))
                .values(**values)
                .returning(*_S.c)
            )
        else:
            result = await self._session.execute(
                insert_for(self._session, _S)
                .values(activity_id=activity_id, account_id=account_id, created_at=at, **values)
                .on_conflict_do_nothing(index_elements=["activity_id", "account_id"])
                .returning(*_S.c)
            )
        row = result.first()
        if row is None:
            # The same person pressed twice at once: the other press signed them up.
            if took:
                await self._give_back(activity_id, seats)
            again = await self.signup_of(activity_id, account_id)
            assert again is not None
            return SignupOutcome(again, again.status, await self.waitlist_position(again.id), already=True)
        signup = _signup(row)
        position = await self.waitlist_position(signup.id) if not took else None
        return SignupOutcome(signup, status, position)

    async def signup_of(self, activity_id: int, account_id: int) -> Signup | None:
        row = (
            await self._session.execute(
                select(_S).where(_S.c.activity_id == activity_id, _S.c.account_id == account_id)
            )
        ).first()
        return None if row is None else _signup(row)

    async def get_signup(self, signup_id: int) -> Signup | None:
        row = (await self._session.execute(select(_S).where(_S.c.id == signup_id))).first()
        return None if row is None else _signup(row)

    async def withdraw(self, signup_id: int, status: SignupStatus, at: datetime) -> Signup | None:
        before = await self.get_signup(signup_id)
        if before is None or before.status.value not in _ACTIVE:
            return None
        result = await self._session.execute(
            update(_S)
            .where(_S.c.id == signup_id, _S.c.status == before.status.value)
            .values(status=status.value, offer_expires_at=None, updated_at=at)
        )
        if int(getattr(result, "rowcount", 0)) != 1:
            return None
        if before.status in HOLDS_A_PLACE:
            await self._give_back(before.activity_id, before.seats)
        return before

    async def offer_next(self, activity_id: int, until: datetime) -> Sequence[Signup]:
        offers: list[Signup] = []
        while True:
            row = (
                await self._session.execute(
                    select(_S)
                    .where(_S.c.activity_id == activity_id, _S.c.status == SignupStatus.WAITLISTED.value)
                    .order_by(_S.c.seq, _S.c.id)
                    .limit(1)
                )
            ).first()
            if row is None:
                return offers
            nxt = _signup(row)
            if not await self._take(activity_id, nxt.seats):
                return offers
            offered = await self._session.execute(
                update(_S)
                .where(_S.c.id == nxt.id, _S.c.status == SignupStatus.WAITLISTED.value)
                .values(status=SignupStatus.OFFERED.value, offer_expires_at=until)
            )
            if int(getattr(offered, "rowcount", 0)) != 1:
                await self._give_back(activity_id, nxt.seats)
                continue
            offers.append(
                Signup(nxt.id, activity_id, nxt.account_id, SignupStatus.OFFERED, nxt.companions, until, None)
            )

    async def accept_offer(self, signup_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(_S)
            .where(
                _S.c.id == signup_id,
                _S.c.status == SignupStatus.OFFERED.value,
                _S.c.offer_expires_at > now,
            )
            .values(status=SignupStatus.CONFIRMED.value, offer_expires_at=None, updated_at=now)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    async def expired_offers(self, now: datetime) -> Sequence[Signup]:
        rows = await self._session.execute(
            select(_S)
            .where(_S.c.status == SignupStatus.OFFERED.value, _S.c.offer_expires_at <= now)
            .order_by(_S.c.id)
        )
        return [_signup(row) for row in rows]

    async def waitlist_position(self, signup_id: int) -> int | None:
        me = (await self._session.execute(select(_S).where(_S.c.id == signup_id))).first()
        if me is None or me.status != SignupStatus.WAITLISTED.value:
            return None
        ahead = await self._session.scalar(
            select(func.count())
            .select_from(_S)
            .where(
                _S.c.activity_id == me.activity_id,
                _S.c.status == SignupStatus.WAITLISTED.value,
                or_(_S.c.seq < me.seq, and_(_S.c.seq == me.seq, _S.c.id < me.id)),
            )
        )
        return int(ahead or 0) + 1

    async def set_capacity(self, activity_id: int, capacity: int | None) -> None:
        await self._session.execute(update(_A).where(_A.c.id == activity_id).values(capacity=capacity))

    async def reschedule(self, activity_id: int, starts_at: datetime, place: str) -> None:
        await self._session.execute(
            update(_A).where(_A.c.id == activity_id).values(starts_at=starts_at, place=place)
        )

    async def cancel(self, activity_id: int) -> None:
        await self._session.execute(update(_A).where(_A.c.id == activity_id).values(cancelled=True))

    async def attendees(self, activity_id: int, offset: int, limit: int) -> tuple[Sequence[Attendee], int]:
        looked_after = (
            select(func.min(FamilyLinkRow.retiree_id))
            .where(FamilyLinkRow.account_id == AccountRow.id)
            .scalar_subquery()
        )
        retiree_id = func.coalesce(AccountRow.retiree_id, looked_after).label("retiree_id")
        base = (
            select(
                _S.c.id,
                _S.c.account_id,
                _S.c.status,
                _S.c.companions,
                _S.c.attended,
                _S.c.seq,
                AccountRow.role,
                retiree_id,
            )
            .join(AccountRow, AccountRow.id == _S.c.account_id)
            .where(_S.c.activity_id == activity_id, _S.c.status.in_(_ACTIVE))
        ).subquery()
        total = await self._session.scalar(select(func.count()).select_from(base))
        waiting = base.c.status == SignupStatus.WAITLISTED.value
        rows = (
            await self._session.execute(
                select(base, RetireeRow.name, RetireeRow.phone)
                .outerjoin(RetireeRow, RetireeRow.id == base.c.retiree_id)
                .order_by(waiting, func.coalesce(RetireeRow.name, ""), base.c.seq, base.c.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        found: list[Attendee] = []
        position = 0
        if rows and any(r.status == SignupStatus.WAITLISTED.value for r in rows):
            position = int(
                await self._session.scalar(
                    select(func.count()).select_from(base).where(base.c.status.in_(_HOLDING))
                )
                or 0
            )
        for index, row in enumerate(rows):
            waits = row.status == SignupStatus.WAITLISTED.value
            found.append(
                Attendee(
                    signup_id=row.id,
                    account_id=row.account_id,
                    name=row.name or "",
                    phone=row.phone,
                    family=row.role == AccountRole.FAMILY.value,
                    status=SignupStatus(row.status),
                    companions=row.companions,
                    position=offset + index + 1 - position if waits else None,
                    attended=row.attended,
                )
            )
        return found, int(total or 0)

    async def mark_attended(self, signup_id: int, attended: bool) -> bool:
        result = await self._session.execute(
            update(_S)
            .where(_S.c.id == signup_id, _S.c.status == SignupStatus.CONFIRMED.value)
            .values(attended=attended)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    async def for_account(self, account_id: int, after: datetime) -> Sequence[MyActivity]:
        rows = (
            await self._session.execute(
                select(_A, _S.c.id.label("signup_id"))
                .join(_S, _S.c.activity_id == _A.c.id)
                .where(
                    _S.c.account_id == account_id,
                    _S.c.status.in_(_ACTIVE),
                    _A.c.starts_at > after,
                    _A.c.cancelled.is_(False),
                )
                .order_by(_A.c.starts_at, _A.c.id)
            )
        ).all()
        found = []
        for row in rows:
            signup = await self.get_signup(row.signup_id)
            assert signup is not None
            found.append(MyActivity(_activity(row), signup, await self.waitlist_position(signup.id)))
        return found

    async def for_units(self, unit_ids: Sequence[int], after: datetime) -> Sequence[Activity]:
        if not unit_ids:
            return []
        rows = await self._session.execute(
            select(_A)
            .where(_A.c.unit_id.in_(unit_ids), _A.c.starts_at > after)
            .order_by(_A.c.starts_at, _A.c.id)
        )
        return [_activity(row) for row in rows]

    async def starting_between(self, start: datetime, end: datetime) -> Sequence[Activity]:
        rows = await self._session.execute(
            select(_A)
            .where(_A.c.starts_at >= start, _A.c.starts_at < end, _A.c.cancelled.is_(False))
            .order_by(_A.c.id)
        )
        return [_activity(row) for row in rows]

    async def people(
        self, activity_id: int, statuses: Sequence[SignupStatus]
    ) -> Sequence[tuple[int, int, int]]:
        rows = await self._session.execute(
            select(_S.c.id, _S.c.account_id, AccountRow.chat_id)
            .join(AccountRow, AccountRow.id == _S.c.account_id)
            .where(_S.c.activity_id == activity_id, _S.c.status.in_([s.value for s in statuses]))
            .order_by(_S.c.id)
        )
        return [(row.id, row.account_id, row.chat_id) for row in rows]
