"""In-memory fakes of bot.ports.ActivityRepository and NoticeRepository (used by tests.fakes.FakeUnitOfWork).
Same rules as the SQL ones: a place is taken only while `taken + seats <= capacity` and nobody waits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.domain.activities import (
    HOLDS_A_PLACE,
    Activity,
    Attendee,
    Audience,
    AudienceCount,
    AudienceFilter,
    AudienceSpec,
    MessageRef,
    MyActivity,
    NewActivity,
    Notice,
    NoticeStatus,
    Signup,
    SignupOutcome,
    SignupStatus,
    born_on_or_before,
)
from bot.domain.people import AccountRole

if TYPE_CHECKING:
    from tests.fakes import FakeUnitOfWork, _State

_ACTIVE = (SignupStatus.CONFIRMED, SignupStatus.OFFERED, SignupStatus.WAITLISTED)


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> _State:
        return self._uow.working


class FakeActivities(_Repo):
    async def create(self, new: NewActivity, at: datetime) -> Activity:
        activity = Activity(
            self.s.new_id(),
            new.unit_id,
            new.title,
            new.starts_at,
            new.place,
            new.capacity,
            0,
            new.signup_deadline,
            new.audience,
            new.companions,
            False,
            new.created_by,
        )
        self.s.activities[activity.id] = activity
        return activity

    async def get(self, activity_id: int) -> Activity | None:
        return self.s.activities.get(activity_id)

    def _take(self, activity_id: int, seats: int) -> bool:
        activity = self.s.activities[activity_id]
        if activity.cancelled or (
            activity.capacity is not None and activity.taken + seats > activity.capacity
        ):
            return False
        self.s.activities[activity_id] = replace(activity, taken=activity.taken + seats)
        return True

    def _give_back(self, activity_id: int, seats: int) -> None:
        activity = self.s.activities[activity_id]
        self.s.activities[activity_id] = replace(activity, taken=activity.taken - seats)

    def _waiting(self, activity_id: int) -> list[Signup]:
        found = [
            s
            for s in self.s.signups.values()
            if s.activity_id == activity_id and s.status is SignupStatus.WAITLISTED
        ]
        return sorted(found, key=lambda s: (self.s.signup_seq[s.id], s.id))

    async def sign_up(
        self, activity_id: int, account_id: int, companions: int, at: datetime
    ) -> SignupOutcome | None:
        activity = self.s.activities.get(activity_id)
        if activity is None or activity.cancelled:
            return None
        existing = await self.signup_of(activity_id, account_id)
        if existing is not None and existing.status in _ACTIVE:
            return SignupOutcome(
                existing, existing.status, await self.waitlist_position(existing.id), already=True
            )
        companions = companions if activity.companions else 0
        took = not self._waiting(activity_id) and self._take(activity_id, 1 + companions)
        status = SignupStatus.CONFIRMED if took else SignupStatus.WAITLISTED
        signup_id = existing.id if existing is not None else self.s.new_id()
        signup = Signup(signup_id, activity_id, account_id, status, companions, None, None)
        self.s.signups[signup_id] = signup
        self.s.signup_seq[signup_id] = int(at.timestamp() * 1_000_000)
        return SignupOutcome(signup, status, None if took else await self.waitlist_position(signup_id))

    async def signup_of(self, activity_id: int, account_id: int) -> Signup | None:
        return next(
            (
                s
                for s in self.s.signups.values()
                if (s.activity_id, s.account_id) == (activity_id, account_id)
            ),
            None,
        )

    async def get_signup(self, signup_id: int) -> Signup | None:
        return self.s.signups.get(signup_id)

    async def withdraw(self, signup_id: int, status: SignupStatus, at: datetime) -> Signup | None:
        before = self.s.signups.get(signup_id)
        if before is None or before.status not in _ACTIVE:
            return None
        self.s.signups[signup_id] = replace(before, status=status, offer_expires_at=None)
        if before.status in HOLDS_A_PLACE:
            self._give_back(before.activity_id, before.seats)
        return before

    async def offer_next(self, activity_id: int, until: datetime) -> Sequence[Signup]:
        offers = []
        for nxt in self._waiting(activity_id):
            if not self._take(activity_id, nxt.seats):
                break
            offered = replace(nxt, status=SignupStatus.OFFERED, offer_expires_at=until)
            self.s.signups[nxt.id] = offered
            offers.append(offered)
        return offers

    async def accept_offer(self, signup_id: int, now: datetime) -> bool:
        signup = self.s.signups.get(signup_id)
        if signup is None or signup.status is not SignupStatus.OFFERED:
            return False
        if signup.offer_expires_at is None or signup.offer_expires_at <= now:
            return False
        self.s.signups[signup_id] = replace(signup, status=SignupStatus.CONFIRMED, offer_expires_at=None)
        return True

    async def expired_offers(self, now: datetime) -> Sequence[Signup]:
        return [
            s
            for s in sorted(self.s.signups.values(), key=lambda s: s.id)
            if s.status is SignupStatus.OFFERED
            and s.offer_expires_at is not None
            and s.offer_expires_at <= now
        ]

    async def waitlist_position(self, signup_id: int) -> int | None:
        signup = self.s.signups.get(signup_id)
        if signup is None or signup.status is not SignupStatus.WAITLISTED:
            return None
        return [s.id for s in self._waiting(signup.activity_id)].index(signup_id) + 1

    async def set_capacity(self, activity_id: int, capacity: int | None) -> None:
        self.s.activities[activity_id] = replace(self.s.activities[activity_id], capacity=capacity)

    async def reschedule(self, activity_id: int, starts_at: datetime, place: str) -> None:
        self.s.activities[activity_id] = replace(
            self.s.activities[activity_id], starts_at=starts_at, place=place
        )

    async def cancel(self, activity_id: int) -> None:
        self.s.activities[activity_id] = replace(self.s.activities[activity_id], cancelled=True)

    def _person(self, account_id: int) -> tuple[str, str | None, bool]:
        account = self.s.accounts[account_id]
        retiree_id = account.retiree_id
        if retiree_id is None:
            linked = sorted(ret for (acc, ret) in self.s.family if acc == account_id)
            retiree_id = linked[0] if linked else None
        retiree = self.s.retirees.get(retiree_id) if retiree_id is not None else None
        family = account.role is AccountRole.FAMILY
        return (retiree.name, retiree.phone, family) if retiree else ("", None, family)

    async def attendees(self, activity_id: int, offset: int, limit: int) -> tuple[Sequence[Attendee], int]:
        holding = [
            s for s in self.s.signups.values() if s.activity_id == activity_id and s.status in HOLDS_A_PLACE
        ]
        rows = []
        for s in holding:
            name, phone, family = self._person(s.account_id)
            rows.append(
                Attendee(s.id, s.account_id, name, phone, family, s.status, s.companions, None, s.attended)
            )
        rows.sort(key=lambda a: (a.name, self.s.signup_seq[a.signup_id], a.signup_id))
        for position, s in enumerate(self._waiting(activity_id), 1):
            name, phone, family = self._person(s.account_id)
            rows.append(
                Attendee(s.id, s.account_id, name, phone, family, s.status, s.companions, position, None)
            )
        return rows[offset : offset + limit], len(rows)

    async def mark_attended(self, signup_id: int, attended: bool) -> bool:
        signup = self.s.signups.get(signup_id)
        if signup is None or signup.status is not SignupStatus.CONFIRMED:
            return False
        self.s.signups[signup_id] = replace(signup, attended=attended)
        return True

    async def for_account(self, account_id: int, after: datetime) -> Sequence[MyActivity]:
        found = []
        for s in self.s.signups.values():
            activity = self.s.activities[s.activity_id]
            mine = s.account_id == account_id and s.status in _ACTIVE
            if mine and activity.starts_at > after and not activity.cancelled:
                found.append(MyActivity(activity, s, await self.waitlist_position(s.id)))
        return sorted(found, key=lambda m: (m.activity.starts_at, m.activity.id))

    async def for_units(self, unit_ids: Sequence[int], after: datetime) -> Sequence[Activity]:
        found = [a for a in self.s.activities.values() if a.unit_id in unit_ids and a.starts_at > after]
        return sorted(found, key=lambda a: (a.starts_at, a.id))

    async def starting_between(self, start: datetime, end: datetime) -> Sequence[Activity]:
        found = [a for a in self.s.activities.values() if start <= a.starts_at < end and not a.cancelled]
        return sorted(found, key=lambda a: a.id)

    async def people(
        self, activity_id: int, statuses: Sequence[SignupStatus]
    ) -> Sequence[tuple[int, int, int]]:
        return [
            (s.id, s.account_id, self.s.accounts[s.account_id].chat_id)
            for s in sorted(self.s.signups.values(), key=lambda s: s.id)
            if s.activity_id == activity_id and s.status in statuses
        ]


class FakeNotices(_Repo):
    async def create(
        self, unit_id: int, created_by: int, source: MessageRef, activity_id: int | None, at: datetime
    ) -> Notice:
        notice = Notice(
            self.s.new_id(),
            unit_id,
            created_by,
            source,
            AudienceSpec(unit_id, Audience.BOTH),
            NoticeStatus.DRAFT,
            activity_id,
            None,
            None,
        )
        self.s.notices[notice.id] = notice
        return notice

    async def get(self, notice_id: int) -> Notice | None:
        return self.s.notices.get(notice_id)

    async def set_audience(self, notice_id: int, spec: AudienceSpec) -> None:
        notice = self.s.notices[notice_id]
        self.s.notices[notice_id] = replace(notice, unit_id=spec.unit_id, audience=spec)

    async def set_status(self, notice_id: int, status: NoticeStatus, batch_id: int | None = None) -> bool:
        notice = self.s.notices.get(notice_id)
        if notice is None:
            return False
        batch = batch_id if batch_id is not None else notice.batch_id
        self.s.notices[notice_id] = replace(notice, status=status, batch_id=batch)
        return True

    async def move(self, notice_id: int, before: NoticeStatus, after: NoticeStatus) -> bool:
        notice = self.s.notices.get(notice_id)
        if notice is None or notice.status is not before:
            return False
        self.s.notices[notice_id] = replace(notice, status=after)
        return True

    def _subtree(self, unit_id: int) -> set[int]:
        found = {unit_id}
        grew = True
        while grew:
            more = {u.id for u in self.s.units.values() if u.parent_id in found} - found
            found |= more
            grew = bool(more)
        return found

    def _accounts(self, spec: AudienceSpec, today: date) -> tuple[set[int], set[int]]:
        """The audience's account ids, and the ids of its retirees."""
        units = self._subtree(spec.unit_id)
        oldest = born_on_or_before(today, 80)
        retirees = {
            r.id
            for r in self.s.retirees.values()
            if r.community_id in units
            and not r.deceased
            and not (spec.narrowing is AudienceFilter.LOCAL and r.lives_elsewhere)
            and not (spec.narrowing is AudienceFilter.AGED_80 and r.birth_date > oldest)
        }
        accounts: set[int] = set()
        if spec.audience in (Audience.RETIREES, Audience.BOTH):
            accounts |= {
                a.id
                for a in self.s.accounts.values()
                if a.role is AccountRole.RETIREE and a.retiree_id in retirees
            }
        if spec.audience in (Audience.FAMILIES, Audience.BOTH):
            accounts |= {
                acc
                for (acc, ret) in self.s.family
                if ret in retirees and self.s.accounts[acc].role is AccountRole.FAMILY
            }
        return accounts, retirees

    async def count_audience(self, spec: AudienceSpec, today: date) -> AudienceCount:
        accounts, retirees = self._accounts(spec, today)
        blocked = {a for a in accounts if self.s.accounts[a].unreachable}
        opted = {a for a in accounts - blocked if a in self.s.opt_outs}
        never = 0
        if spec.audience in (Audience.RETIREES, Audience.BOTH):
            bound = {a.retiree_id for a in self.s.accounts.values() if a.role is AccountRole.RETIREE}
            never = len(retirees - bound)
        return AudienceCount(len(accounts - blocked - opted), never, len(blocked), len(opted))

    async def recipients(self, spec: AudienceSpec, today: date) -> Sequence[tuple[int, int, str]]:
        accounts, _ = self._accounts(spec, today)
        return [
            (self.s.accounts[a].chat_id, a, self.s.accounts[a].locale)
            for a in sorted(accounts)
            if not self.s.accounts[a].unreachable and a not in self.s.opt_outs
        ]

    async def in_state(self, status: NoticeStatus) -> Sequence[Notice]:
        return [n for n in sorted(self.s.notices.values(), key=lambda n: n.id) if n.status is status]

    async def set_progress_shown(self, notice_id: int, shown: str) -> None:
        self.s.notices[notice_id] = replace(self.s.notices[notice_id], progress_shown=shown)

    async def set_progress_message(self, notice_id: int, message_id: int) -> None:
        self.s.notices[notice_id] = replace(self.s.notices[notice_id], progress_message_id=message_id)

    async def set_opt_out(self, account_id: int, opted_out: bool) -> None:
        if opted_out:
            self.s.opt_outs.add(account_id)
        else:
            self.s.opt_outs.discard(account_id)

    async def opted_out(self, account_id: int) -> bool:
        return account_id in self.s.opt_outs
