from __future__ import annotations

from datetime import date

from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.domain.people import AccountRole, RetireeRecord, StaffRole, UnitKind
from bot.services import delivery_progress
from tests.fakes import FakeDatabase


def _retiree(db: FakeDatabase, name: str, code: str) -> int:
    record = RetireeRecord(name, name * 8, "2101**********0001", date(1950, 1, 1), date(2010, 1, 1), code)
    return db.add_retiree(record).id


async def test_a_staff_member_sees_every_unit_of_theirs_and_nothing_else() -> None:
    db = FakeDatabase()
    street = db.add_unit("S", "Street", UnitKind.STREET)
    near = db.add_unit("A", "A", UnitKind.COMMUNITY, street.id)
    far = db.add_unit("B", "B", UnitKind.COMMUNITY)
    mine, other = _retiree(db, "Wang", "A"), _retiree(db, "Li", "B")
    async with db.uow() as uow:
        staff = await uow.accounts.get_or_create(1, 1, "en")
        await uow.staff.add_membership(staff.id, street.id, StaffRole.STAFF)
        ids = {}
        for retiree, user in ((mine, 2), (other, 3)):
            account = await uow.accounts.get_or_create(user, user, "en")
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree)
            await uow.accounts.set_unreachable(account.id)
            ids[retiree] = account.id
        batch = await uow.outbox.create_batch("broadcast", "Notice")
        for retiree, account_id in ids.items():
            await uow.outbox.enqueue(
                OutboxMessage(
                    chat_id=account_id,
                    account_id=account_id,
                    category=MessageCategory.NOTICE,
                    dedupe_key=f"n-{retiree}",
                    text="x",
                    batch_id=batch,
                )
            )
        await uow.commit()
    db.state.outbox_status[f"n-{mine}"] = OutboxStatus.SENT

    async with db.uow() as uow:
        found = await delivery_progress.overview(uow, staff.id)
        nobody = await delivery_progress.overview(uow, ids[other])
    assert [(b.batch_id, b.sent, b.total) for b in found.batches] == [(batch, 1, 1)]
    assert [(u.retiree_name, u.family) for u in found.unreachable] == [("Wang", False)]
    assert found.unreachable_total == 1
    assert nobody == delivery_progress.DeliveryOverview((), (), 0)
    assert far.id != near.id
