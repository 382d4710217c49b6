"""The retirees and accounts the storage tests build on, made through the ports so that every store (SQLite,
PostgreSQL, the fakes) gets the same ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.people import RetireeRecord
from bot.ports import UnitOfWork


def retiree_record(n: int, community: str) -> RetireeRecord:
    """Retiree r<n> as a roster row names them."""
    return RetireeRecord(
        f"R{n}", f"{n}" * 64, f"2101**********000{n}", date(1950, 1, n), date(2010, 1, n), community
    )


async def add_retirees(uow: UnitOfWork, communities: Sequence[str]) -> dict[str, int]:
    """Retiree r<n> in the community with code communities[n - 1] and account a<n> (Telegram user 100 + n),
    for n from 1. The communities must exist. Ids by name."""
    ids: dict[str, int] = {}
    for n, community in enumerate(communities, start=1):
        record = retiree_record(n, community)
        await uow.retirees.upsert(record)
        retiree = await uow.retirees.find_by_id_hash(record.id_hash)
        assert retiree is not None
        ids[f"r{n}"] = retiree.id
        ids[f"a{n}"] = (await uow.accounts.get_or_create(100 + n, 100 + n, "en")).id
    return ids
