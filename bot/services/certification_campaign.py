"""The campaign tick: reminders, escalations and suspension, as idempotent scans of database state.

Run it as often as you like: every message has a dedupe key (a repeated tick enqueues nothing new) and every
step is decided by the calendar and the stored status, not by "what ran last time". The roster is walked in
ranges of retiree ids, one transaction each, with set-based SQL inside: a million retirees never sit in
memory at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.actions import InlineKeyboard
from bot.domain.certification import (
    CertList,
    CertStatus,
    PendingRetiree,
    Recipient,
    ReminderBatch,
    RollingRetiree,
    UnitRecipient,
    reminder_dedupe_key,
)
from bot.domain.certification_calendar import Cycle, Mode
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.domain.people import UnitKind
from bot.i18n import LOCALES, I18n
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.services.certification_messages import REMINDER_TEMPLATE, CertificationTexts, reminder_keyboard

log = logging.getLogger(__name__)

RANGE = 50_000  # retiree ids per transaction
PAGE = 500  # retirees per escalation page
SUPERVISOR_NAMES = 30  # names listed in the supervisor's message; the rest are in the staff view

BATCH_KIND = "cert-reminders"

PageFetch = Callable[[UnitOfWork, int], Awaitable[Sequence[PendingRetiree]]]


@dataclass
class TickReport:
    cycle: str | None = None
    reminder: int | None = None
    reminders: int = 0
    family: int = 0
    supervisors: int = 0
    suspended: int = 0
    suspension_notices: int = 0
    steps: list[str] = field(default_factory=list)


async def id_ranges(uow_factory: UnitOfWorkFactory, size: int = RANGE) -> AsyncIterator[tuple[int, int]]:
    async with uow_factory() as uow:
        bounds = await uow.certification.retiree_id_bounds()
    if bounds is None:
        return
    low, high = bounds
    for first in range(low, high + 1, size):
        yield first, min(first + size - 1, high)


class Campaign:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, i18n: I18n, texts: CertificationTexts, *, workers: int = 1
    ) -> None:
        """`workers`: ranges of the roster handled at once (in separate transactions). PostgreSQL runs them
        on as many cores; SQLite has one writer, so 1 there."""
        self._uow = uow_factory
        self._i18n = i18n
        self._texts = texts
        self._workers = max(1, workers)

    async def tick(self, now: datetime, *, range_size: int = RANGE) -> TickReport:
        calendar = self._texts.profile.calendar
        report = TickReport()
        if calendar.mode is not Mode.CAMPAIGN:
            return await self.rolling_tick(now)
        cycle = calendar.current_cycle(now)
        report.cycle = cycle.key
        esc = calendar.escalation
        number = cycle.due_reminder(now)
        if number is not None:
            report.reminder = number
            report.reminders = await self.send_reminders(cycle, number, range_size=range_size)
        if cycle.family_at is not None and cycle.family_at <= now < cycle.suspension_at:
            report.family = await self.tell_families(cycle, now)
        if esc.supervisor_on_window_close and cycle.window_closes_at <= now < cycle.suspension_at:
            report.supervisors = await self.tell_supervisors(cycle, now)
        if esc.suspend and now >= cycle.suspension_at:
            report.suspended = await self.suspend(cycle, now, range_size=range_size)
            report.suspension_notices = await self.tell_suspended(cycle, now)
        log.info("certification tick %s: %s", cycle.key, report)
        return report

    # --- reminders ------------------------------------------------------------------------------------

    def reminder_batch(self, cycle: Cycle, number: int, batch_id: int | None) -> ReminderBatch:
        contexts = {}
        keyboards = {}
        for locale in LOCALES:
            t = self._i18n.translator(locale)
            keyboards[locale] = reminder_keyboard(t)
            for elsewhere in (False, True):
                contexts[(locale, elsewhere)] = self._texts.reminder_context(t, cycle, number, elsewhere)
        return ReminderBatch(
            cycle=cycle.key,
            number=number,
            template=REMINDER_TEMPLATE,
            contexts=contexts,
            keyboards=keyboards,
            default_locale=self._i18n.default_locale,
            batch_id=batch_id,
            time_zone=self._texts.profile.calendar.time_zone,
        )

    async def send_reminders(self, cycle: Cycle, number: int, *, range_size: int = RANGE) -> int:
        title = f"certification {cycle.key} reminder {number}"
        async with self._uow() as uow:
            batch_id = await uow.outbox.find_batch(BATCH_KIND, title)
            if batch_id is None:
                batch_id = await uow.outbox.create_batch(BATCH_KIND, title)
                await uow.commit()
        batch = self.reminder_batch(cycle, number, batch_id)

        async def one_range(first: int, last: int) -> int:
            async with self._uow() as uow:
                added = await uow.outbox.enqueue_reminders(batch, first, last)
                await uow.commit()
            return added

        return await self._over_ranges(one_range, range_size)

    async def _over_ranges(
        self, work: Callable[[int, int], Coroutine[Any, Any, int]], range_size: int
    ) -> int:
        """Run `work` over the roster's id ranges, `workers` at a time; the sum of what it returns."""
        total = 0
        running: set[asyncio.Task[int]] = set()
        async for first, last in id_ranges(self._uow, range_size):
            if len(running) >= self._workers:
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                total += sum(task.result() for task in done)
            running.add(asyncio.create_task(work(first, last)))
        if running:
            total += sum(await asyncio.gather(*running))
        return total

    # --- escalations ----------------------------------------------------------------------------------

    async def _pages(self, fetch: PageFetch) -> AsyncIterator[tuple[UnitOfWork, Sequence[PendingRetiree]]]:
        """Pages of retirees, each in its own transaction, committed after the caller handled it."""
        after = 0
        while True:
            async with self._uow() as uow:
                page = await fetch(uow, after)
                if not page:
                    return
                yield uow, page
                await uow.commit()
            after = page[-1].retiree_id

    async def tell_families(self, cycle: Cycle, now: datetime) -> int:
        sent = 0
        async for uow, page in self._pages(
            lambda uow, after: uow.certification.family_to_tell(cycle.key, after, PAGE)
        ):
            for pending in page:
                messages = [
                    self._notice(
                        r,
                        f"cert-family:{cycle.key}:{pending.retiree_id}:{r.account_id}",
                        self._texts.family(self._i18n.translator(r.locale), cycle, pending.name),
                        reminder_keyboard(self._i18n.translator(r.locale), pending.retiree_id),
                        pending.retiree_id,
                    )
                    for r in pending.family
                ]
                sent += await uow.outbox.enqueue_many(messages)
            await uow.certification.mark_family_told(cycle.key, [p.retiree_id for p in page], now)
        return sent

    async def tell_supervisors(self, cycle: Cycle, now: datetime) -> int:
        sent = 0
        async with self._uow() as uow:
            for sup in await uow.certification.supervisors(UnitKind.STREET):
                unit = await uow.units.get(sup.unit_id)
                if unit is None:
                    continue
                key = f"cert-supervisor:{cycle.key}:{unit.id}:{sup.account_id}"
                units = await uow.units.subtree_ids(unit.id)
                counts = await uow.certification.counts(cycle.key, units, True)
                pending = counts[CertList.PENDING] + counts[CertList.SELF_REPORTED]
                if pending == 0:
                    continue
                people = [
                    (item.name, item.id_masked, item.lives_elsewhere)
                    for item in await uow.certification.listing(
                        cycle.key, units, CertList.PENDING, True, 0, SUPERVISOR_NAMES
                    )
                ]
                t = self._i18n.translator(sup.locale)
                text = self._texts.supervisor(t, cycle, unit.name, pending, people)
                sent += int(await uow.outbox.enqueue(self._notice(sup, key, text)))
            await uow.commit()
        return sent

    # --- suspension -----------------------------------------------------------------------------------

    async def suspend(self, cycle: Cycle, now: datetime, *, range_size: int = RANGE) -> int:

        async def one_range(first: int, last: int) -> int:
            async with self._uow() as uow:
                suspended = await uow.certification.suspend_pending(cycle.key, now, first, last)
                await uow.commit()
            return suspended

        return await self._over_ranges(one_range, range_size)

    async def tell_suspended(self, cycle: Cycle, now: datetime) -> int:
        sent = 0
        async for uow, page in self._pages(
            lambda uow, after: uow.certification.suspended_to_tell(cycle.key, after, PAGE)
        ):
            for pending in page:
                messages = [
                    self._notice(
                        r,
                        f"cert-suspended:{cycle.key}:{pending.retiree_id}:{r.account_id}",
                        self._texts.suspended(self._i18n.translator(r.locale), cycle, pending.name),
                        reminder_keyboard(
                            self._i18n.translator(r.locale), None if r in pending.own else pending.retiree_id
                        ),
                        pending.retiree_id,
                    )
                    for r in (*pending.own, *pending.family)
                ]
                sent += await uow.outbox.enqueue_many(messages)
            await uow.certification.mark_suspension_told(cycle.key, [p.retiree_id for p in page], now)
        return sent

    # --- rolling mode ---------------------------------------------------------------------------------

    async def rolling_tick(self, now: datetime) -> TickReport:
        """Rolling cycles are each retiree's own (12 months after their last certification, or their
        birthday month), so this scan places every alive retiree in their cycle, a page at a time: the
        reminder that is due, the family after the configured reminder, suspension at the end of grace.
        The same dedupe keys and status rows as the campaign make it just as repeatable."""
        report = TickReport(cycle="rolling")
        after = 0
        while True:
            async with self._uow() as uow:
                page = await uow.certification.rolling_page(after, PAGE)
                if not page:
                    break
                for retiree in page:
                    await self._rolling_one(uow, retiree, now, report)
                await uow.commit()
            after = page[-1].retiree_id
        log.info("certification rolling tick: %s", report)
        return report

    async def _rolling_one(
        self, uow: UnitOfWork, retiree: RollingRetiree, now: datetime, report: TickReport
    ) -> None:
        calendar = self._texts.profile.calendar
        cycle = calendar.rolling_cycle_now(retiree.last_certified_at, retiree.birth_date, now)
        record = await uow.certification.get(retiree.retiree_id, cycle.key)
        status = record.status if record else CertStatus.PENDING
        if calendar.escalation.suspend and now >= cycle.suspension_at:
            if status in (CertStatus.PENDING, CertStatus.SELF_REPORTED):
                first, last_id = retiree.retiree_id, retiree.retiree_id
                report.suspended += await uow.certification.suspend_pending(cycle.key, now, first, last_id)
                report.suspension_notices += await self._notify(
                    uow, retiree, cycle, "cert-suspended", (*retiree.own, *retiree.family), suspended=True
                )
            return
        if status is not CertStatus.PENDING:
            return
        number = cycle.due_reminder(now)
        if number is not None:
            messages = [
                OutboxMessage(
                    chat_id=r.chat_id,
                    account_id=r.account_id,
                    category=MessageCategory.REMINDER,
                    dedupe_key=reminder_dedupe_key(cycle.key, number, retiree.retiree_id, r.account_id),
                    template=REMINDER_TEMPLATE,
                    context=self._texts.reminder_context(
                        self._i18n.translator(r.locale), cycle, number, retiree.lives_elsewhere
                    ),
                    keyboard=reminder_keyboard(self._i18n.translator(r.locale)),
                    locale=r.locale,
                    time_zone=calendar.time_zone,
                    about_retiree_id=retiree.retiree_id,
                )
                for r in retiree.own
            ]
            report.reminders += await uow.outbox.enqueue_many(messages)
            report.reminder = max(report.reminder or 0, number)
        if cycle.family_at is not None and cycle.family_at <= now and retiree.family:
            report.family += await self._notify(uow, retiree, cycle, "cert-family", retiree.family)

    async def _notify(
        self,
        uow: UnitOfWork,
        retiree: RollingRetiree,
        cycle: Cycle,
        kind: str,
        recipients: Sequence[Recipient],
        *,
        suspended: bool = False,
    ) -> int:
        messages = []
        for r in recipients:
            t = self._i18n.translator(r.locale)
            text = (
                self._texts.suspended(t, cycle, retiree.name)
                if suspended
                else self._texts.family(t, cycle, retiree.name)
            )
            key = f"{kind}:{cycle.key}:{retiree.retiree_id}:{r.account_id}"
            keyboard = reminder_keyboard(t, None if r in retiree.own else retiree.retiree_id)
            messages.append(self._notice(r, key, text, keyboard, retiree.retiree_id))
        return await uow.outbox.enqueue_many(messages)

    def _notice(
        self,
        to: Recipient | UnitRecipient,
        key: str,
        text: str,
        keyboard: InlineKeyboard | None = None,
        about: int | None = None,
    ) -> OutboxMessage:
        """A certification notice, held back in quiet hours on the region's clock; `about` names the retiree
        a message to someone else concerns (held with theirs when their death is reported)."""
        return OutboxMessage(
            chat_id=to.chat_id,
            account_id=to.account_id,
            category=MessageCategory.NOTICE,
            dedupe_key=key,
            text=text,
            keyboard=keyboard,
            locale=to.locale,
            time_zone=self._texts.profile.calendar.time_zone,
            about_retiree_id=about,
        )
