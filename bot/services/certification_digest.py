"""The staff's daily certification digest: counts for their unit and the units below it, and what needs
them today (photos to review, self-reports to confirm, people to visit)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.domain.certification import CertList
from bot.domain.certification_calendar import Mode
from bot.domain.outbox import MessageCategory, OutboxMessage
from bot.i18n import I18n
from bot.ports import UnitOfWorkFactory
from bot.rendering import Renderer
from bot.services.certification_lists import staff_lists
from bot.services.certification_profile import CertificationProfile


async def send_digests(
    uow_factory: UnitOfWorkFactory, i18n: I18n, profile: CertificationProfile, now: datetime
) -> int:
    """One digest per staff member and unit, once a day (dedupe key), only when there is something to do
    or the campaign is on (from the first reminder to the suspension date; rolling mode has no season)."""
    calendar = profile.calendar
    campaign_on = False
    if calendar.mode is Mode.CAMPAIGN:
        cycle = calendar.current_cycle(now)
        campaign_on = bool(cycle.reminders) and cycle.reminders[0] <= now < cycle.suspension_at
    renderer = Renderer(i18n)
    today = calendar.local_date(now)
    sent = 0
    # Several staff members of one unit get the same figures: each unit's are worked out once.
    figures: dict[int, tuple[Mapping[CertList, int], int]] = {}
    async with uow_factory() as uow:
        for staff in await uow.certification.staff_accounts():
            unit = await uow.units.get(staff.unit_id)
            if unit is None:
                continue
            if unit.id not in figures:
                units = await uow.units.subtree_ids(unit.id)
                counts = await (await staff_lists(uow, calendar, units, now)).counts()
                figures[unit.id] = (counts, len(await uow.certification.waiting_submissions(units, 1000)))
            counts, waiting = figures[unit.id]
            to_do = waiting + counts[CertList.SELF_REPORTED] + counts[CertList.TO_VISIT]
            if not to_do and not campaign_on:
                continue
            t = i18n.translator(staff.locale)
            text = renderer.render(
                t,
                "cert_digest.html.j2",
                unit=unit.name,
                counts={k.value: v for k, v in counts.items()},
                waiting=waiting,
            )
            sent += int(
                await uow.outbox.enqueue(
                    OutboxMessage(
                        chat_id=staff.chat_id,
                        account_id=staff.account_id,
                        category=MessageCategory.NOTICE,
                        dedupe_key=f"cert-digest:{today.isoformat()}:{staff.account_id}:{unit.id}",
                        text=text,
                        locale=staff.locale,
                        time_zone=calendar.time_zone,
                    )
                )
            )
        await uow.commit()
    return sent
