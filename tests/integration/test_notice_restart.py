"""A notice to many recipients survives a restart of the bot mid-broadcast, through both frameworks: some
copies are sent, the process (transport and sender) stops, a new one starts on the same database; the rest
are sent, none twice, and the progress message ends showing them all sent."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.domain.people import AccountRole, StaffRole
from bot.emulator import Emulator
from bot.i18n import I18n
from scheduler.delivery import ActionBuilder, Limits, QuietHours, Sender, SenderConfig
from storage.database import Database
from storage.repositories.delivery_queue import SqlDeliveryQueue
from tests.integration.conftest import FRAMEWORKS, BotApp, running_bot
from tests.integration.test_activities import compose, progress, register, send
from tests.integration.test_handoff import COMMUNITY_CODE, STAFF, deliver_outbox, join_as_staff
from tests.waiting import wait_until

FAMILY = range(5001, 5041)  # family members of the registered retiree, added straight to the database
RETIREE = 2001


def _sender(app: BotApp, per_second: float) -> Sender:
    config = SenderConfig(
        limits=Limits(global_per_s=per_second),
        quiet_hours=QuietHours.parse("off"),
        poll_interval_s=0.02,
        flush_interval_s=0.02,
        batch_size=5,
        concurrency=2,
    )
    queue = SqlDeliveryQueue(app.database.sessions)
    return Sender(queue, app.transport.messenger, ActionBuilder(I18n()), app.clock, config)


def _copies(emu: Emulator) -> Counter[int]:
    return Counter(
        c.chat_id
        for c in emu.calls
        if c.ok and c.method == "copyMessage" and c.chat_id is not None and c.chat_id != STAFF
    )


async def _add_family(app: BotApp) -> None:
    async with app.database.uow() as uow:
        retiree = await uow.accounts.get_by_telegram_user(RETIREE)
        assert retiree is not None
        assert retiree.retiree_id is not None
        for user in FAMILY:
            app.emu.open_chat(user)
            account = await uow.accounts.get_or_create(user, user, "en")
            await uow.accounts.set_role(account.id, AccountRole.FAMILY)
            await uow.family.link(account.id, retiree.retiree_id, "son")
        await uow.commit()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_notice_interrupted_by_a_restart_is_sent_to_the_rest_once(
    framework: str, emulator: Emulator, database: Database
) -> None:
    recipients = {RETIREE, *FAMILY}
    async with running_bot(framework, emulator, database) as app:
        await join_as_staff(app, STAFF, COMMUNITY_CODE, StaffRole.STAFF)
        await register(app, RETIREE)
        await _add_family(app)
        await compose(app, activity=False)
        assert f"It will reach {len(recipients)} people." in app.emu.messages(STAFF)[-1].text
        panel = await send(app)

        sender, stop = _sender(app, per_second=20), asyncio.Event()
        running = asyncio.create_task(sender.run(stop))
        await wait_until(lambda: sum(_copies(emulator).values()) >= 10 or running.done(), 20)
        stop.set()
        await running
        await progress(app)  # queues the edit; the new process sends it with the rest
    before = _copies(emulator)
    assert 0 < len(before) < len(recipients), "the stop must fall mid-broadcast to mean anything"

    async with running_bot(framework, emulator, database) as again:
        await _sender(again, per_second=1000).drain(timeout=30)
        await progress(again)
        await deliver_outbox(again)

    copies = _copies(emulator)
    assert set(copies) == recipients
    assert set(copies.values()) == {1}, "none twice"
    shown = next(m for m in emulator.messages(STAFF) if m.message_id == panel.message_id)
    assert "all sent" in shown.text
    assert f"sent {len(recipients)}" in shown.text
