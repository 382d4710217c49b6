"""Activities: signing up, the waitlist and its offers, reminders, and what staff change. Messages to the
people concerned are queued in the outbox in the same unit of work as the change that causes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from bot.domain.activities import (
    Activity,
    Attendee,
    Audience,
    NewActivity,
    Signup,
    SignupOutcome,
    SignupStatus,
)
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import Account, AccountRole
from bot.ports import UnitOfWork
from bot.regions import ActivityRules
from bot.services.activity_messages import ActivityWords
from bot.tables.writer import csv_bytes, xlsx_bytes

EVERYONE = (SignupStatus.CONFIRMED, SignupStatus.OFFERED, SignupStatus.WAITLISTED)


class Refusal(StrEnum):
    GONE = "gone"  # unknown or cancelled activity
    CLOSED = "closed"  # the sign-up deadline has passed
    NOT_FOR_YOU = "not_for_you"  # for retirees only, or for families only


@dataclass(frozen=True, slots=True)
class Refused:
    reason: Refusal


async def create(uow: UnitOfWork, new: NewActivity, now: datetime) -> Activity:
    activity = await uow.activities.create(new, now)
    await uow.audit.record(new.created_by, "activity.create", f"activity:{activity.id}", {}, now)
    return activity


def _may_come(account: Account, activity: Activity) -> bool:
    if activity.audience is Audience.RETIREES:
        return account.role is AccountRole.RETIREE
    if activity.audience is Audience.FAMILIES:
        return account.role is AccountRole.FAMILY
    return account.is_retiree_or_family


async def sign_up(
    uow: UnitOfWork, account: Account, activity_id: int, companions: int, now: datetime
) -> SignupOutcome | Refused:
    activity = await uow.activities.get(activity_id)
    if activity is None or activity.cancelled:
        return Refused(Refusal.GONE)
    if not _may_come(account, activity):
        return Refused(Refusal.NOT_FOR_YOU)
    if now > activity.signup_deadline:
        existing = await uow.activities.signup_of(activity_id, account.id)
        if existing is None or existing.status not in EVERYONE:
            return Refused(Refusal.CLOSED)
    outcome = await uow.activities.sign_up(activity_id, account.id, companions, now)
    return outcome if outcome is not None else Refused(Refusal.GONE)


async def withdraw(
    uow: UnitOfWork,
    signup: Signup,
    status: SignupStatus,
    now: datetime,
    words: ActivityWords,
    rules: ActivityRules,
) -> bool:
    """Cancel a place (or a place on the waitlist, or an offer): the freed place goes to the next in line."""
    before = await uow.activities.withdraw(signup.id, status, now)
    if before is None:
        return False
    if before.status is not SignupStatus.WAITLISTED:
        await offer_freed_places(uow, signup.activity_id, now, words, rules)
    return True


async def cant_come(
    uow: UnitOfWork,
    account: Account,
    activity_id: int,
    now: datetime,
    words: ActivityWords,
    rules: ActivityRules,
) -> bool:
    """ "Can't come": a sign-up they had is given up; False when the activity is gone."""
    activity = await uow.activities.get(activity_id)
    if activity is None or activity.cancelled:
        return False
    signup = await uow.activities.signup_of(activity_id, account.id)
    if signup is not None:
        await withdraw(uow, signup, SignupStatus.DECLINED, now, words, rules)
    return True


async def offer_freed_places(
    uow: UnitOfWork, activity_id: int, now: datetime, words: ActivityWords, rules: ActivityRules
) -> Sequence[Signup]:
    activity = await uow.activities.get(activity_id)
    if activity is None or activity.cancelled or activity.starts_at <= now:
        return []
    until = min(now + timedelta(hours=rules.offer_hours), activity.starts_at)
    offers = await uow.activities.offer_next(activity_id, until)
    for offer in offers:
        account = await uow.accounts.get(offer.account_id)
        if account is None:
            continue
        await uow.outbox.enqueue(
            OutboxMessage(
                chat_id=account.chat_id,
                account_id=account.id,
                category=MessageCategory.NOTICE,
                dedupe_key=f"act-offer:{offer.id}:{until.isoformat()}",
                text=words.render(
                    account.locale,
                    "activity_offer.html.j2",
                    activity,
                    until=words.when(words.t(account.locale), until),
                ),
                keyboard=words.offer_keyboard(account.locale, offer.id),
            )
        )
    return offers


async def accept_offer(uow: UnitOfWork, account: Account, signup_id: int, now: datetime) -> Signup | None:
    signup = await uow.activities.get_signup(signup_id)
    if signup is None or signup.account_id != account.id:
        return None
    if not await uow.activities.accept_offer(signup_id, now):
        return None
    return signup


async def expire_offers(uow: UnitOfWork, now: datetime, words: ActivityWords, rules: ActivityRules) -> int:
    """Offers not taken in time move on to the next in line (an idempotent scan)."""
    expired = await uow.activities.expired_offers(now)
    for signup in expired:
        if await uow.activities.withdraw(signup.id, SignupStatus.CANCELLED, now) is None:
            continue
        account = await uow.accounts.get(signup.account_id)
        activity = await uow.activities.get(signup.activity_id)
        if account is not None and activity is not None:
            await uow.outbox.enqueue(
                OutboxMessage(
                    chat_id=account.chat_id,
                    account_id=account.id,
                    category=MessageCategory.NOTICE,
                    dedupe_key=f"act-offer-expired:{signup.id}:{now.isoformat()}",
                    text=words.render(account.locale, "activity_offer_expired.html.j2", activity),
                )
            )
        await offer_freed_places(uow, signup.activity_id, now, words, rules)
    return len(expired)


async def set_capacity(
    uow: UnitOfWork,
    activity: Activity,
    capacity: int | None,
    now: datetime,
    words: ActivityWords,
    rules: ActivityRules,
) -> Sequence[Signup]:
    await uow.activities.set_capacity(activity.id, capacity)
    return await offer_freed_places(uow, activity.id, now, words, rules)


async def _tell_everyone(
    uow: UnitOfWork,
    activity: Activity,
    template: str,
    key: str,
    words: ActivityWords,
    category: MessageCategory,
) -> int:
    told = 0
    for signup_id, account_id, chat_id in await uow.activities.people(activity.id, EVERYONE):
        account = await uow.accounts.get(account_id)
        locale = account.locale if account is not None else None
        told += await uow.outbox.enqueue(
            OutboxMessage(
                chat_id=chat_id,
                account_id=account_id,
                category=category,
                dedupe_key=f"{key}:{signup_id}",
                text=words.render(locale, template, activity),
            )
        )
    return told


async def reschedule(
    uow: UnitOfWork,
    activity: Activity,
    starts_at: datetime,
    place: str,
    by: int,
    now: datetime,
    words: ActivityWords,
) -> int:
    """Change time or place; everyone signed up or waiting is told."""
    await uow.activities.reschedule(activity.id, starts_at, place)
    changed = await uow.activities.get(activity.id)
    assert changed is not None
    await uow.audit.record(by, "activity.reschedule", f"activity:{activity.id}", {}, now)
    key = f"act-changed:{activity.id}:{now.isoformat()}"
    return await _tell_everyone(uow, changed, "activity_changed.html.j2", key, words, MessageCategory.NOTICE)


async def cancel(uow: UnitOfWork, activity: Activity, by: int, now: datetime, words: ActivityWords) -> int:
    await uow.activities.cancel(activity.id)
    await uow.audit.record(by, "activity.cancel", f"activity:{activity.id}", {}, now)
    key = f"act-cancelled:{activity.id}"
    return await _tell_everyone(
        uow, activity, "activity_cancelled.html.j2", key, words, MessageCategory.NOTICE
    )


async def queue_reminders(uow: UnitOfWork, now: datetime, words: ActivityWords, rules: ActivityRules) -> int:
    """Those coming to an activity tomorrow (local date) are reminded, at the profile's hour today; an
    idempotent scan, run several times a day."""
    today = now.astimezone(words.tz).date()
    start = datetime.combine(today + timedelta(days=1), time(0), words.tz)
    at = datetime.combine(today, time(rules.reminder_hour), words.tz)
    queued = 0
    for activity in await uow.activities.starting_between(start, start + timedelta(days=1)):
        for signup_id, account_id, chat_id in await uow.activities.people(
            activity.id, [SignupStatus.CONFIRMED]
        ):
            account = await uow.accounts.get(account_id)
            locale = account.locale if account is not None else None
            signup = await uow.activities.get_signup(signup_id)
            queued += await uow.outbox.enqueue(
                OutboxMessage(
                    chat_id=chat_id,
                    account_id=account_id,
                    category=MessageCategory.REMINDER,
                    dedupe_key=f"act-reminder:{activity.id}:{signup_id}:{activity.starts_at.isoformat()}",
                    text=words.render(
                        locale,
                        "activity_reminder.html.j2",
                        activity,
                        companions_coming=signup.companions if signup else 0,
                    ),
                    keyboard=words.cancel_keyboard(locale, signup_id),
                    not_before=at if at > now else None,
                )
            )
    return queued


EXPORT_COLUMNS = ("name", "phone", "family", "status", "companions", "waitlist", "attended")


def export_rows(attendees: Sequence[Attendee]) -> list[list[str]]:
    rows = [list(EXPORT_COLUMNS)]
    for a in attendees:
        attended = "" if a.attended is None else ("yes" if a.attended else "no")
        rows.append(
            [
                a.name,
                a.phone or "",
                "yes" if a.family else "no",
                a.status.value,
                str(a.companions),
                "" if a.position is None else str(a.position),
                attended,
            ]
        )
    return rows


async def export(uow: UnitOfWork, activity: Activity, kind: str) -> bytes:
    attendees, _total = await uow.activities.attendees(activity.id, 0, 1_000_000)
    rows = export_rows(attendees)
    return csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows, sheet="activity")
