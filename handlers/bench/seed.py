"""The bench's database: migrated and seeded with registered retirees at their main menu.

Run as `python -m handlers.bench.seed URL FIRST_USER USERS` so that the migration tooling (Alembic) is not
counted in the memory of the bot under measurement: `retiree-bot run` does not migrate either.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date

from bot.domain.people import AccountRole, RetireeRecord, UnitKind
from storage.database import Database
from storage.migrate import upgrade


async def seed(database: Database, users: list[int]) -> None:
    async with database.uow() as uow:
        await uow.units.upsert("B", "Bench city", UnitKind.CITY, None)
        await uow.units.upsert("BD", "Bench district", UnitKind.DISTRICT, "B")
        await uow.units.upsert("BDS", "Bench street", UnitKind.STREET, "BD")
        await uow.units.upsert("BDSC", "Bench community", UnitKind.COMMUNITY, "BDS")
        for user in users:
            record = RetireeRecord(
                name=f"Bench {user}",
                id_hash=f"bench-{user}",
                id_masked="2101**********000X",
                birth_date=date(1950, 1, 1),
                retirement_date=date(2010, 1, 1),
                community_code="BDSC",
            )
            await uow.retirees.upsert(record)
            retiree = await uow.retirees.find_by_id_hash(record.id_hash)
            account = await uow.accounts.get_or_create(user, user, "en")
            await uow.accounts.set_role(account.id, AccountRole.RETIREE, retiree.id if retiree else None)
        await uow.commit()


async def prepare(url: str, users: list[int]) -> None:
    await upgrade(url)
    async with Database.from_url(url) as database:
        await seed(database, users)


async def prepare_in_child(url: str, first_user: int, users: int) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "handlers.bench.seed",
        url,
        str(first_user),
        str(users),
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"seeding the bench database failed: {err.decode(errors='replace')[-500:]}")


if __name__ == "__main__":  # pragma: no cover - run by prepare_in_child
    first, count = int(sys.argv[2]), int(sys.argv[3])
    asyncio.run(prepare(sys.argv[1], list(range(first, first + count))))
