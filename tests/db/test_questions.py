"""The questions and passages repositories on PostgreSQL: the same contract as on SQLite, plus what only a
server with row locks can show."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage.database import Database
from tests.db.conftest import lock_waiters, wiped
from tests.storage.repositories import test_passages, test_questions
from tests.storage.repositories.test_questions import NOW, people
from tests.waiting import wait_until

pytestmark = pytest.mark.postgres


async def test_question_repository_on_postgres(pg_database: Database) -> None:
    for check in test_questions.CONTRACT:
        await check((await wiped(pg_database)).uow)


async def test_passage_repository_on_postgres(pg_database: Database) -> None:
    for check in test_passages.CONTRACT:
        await check(await wiped(pg_database))


async def test_two_staff_answering_at_once_have_one_winner(pg_database: Database) -> None:
    p = await people(pg_database.uow)
    async with pg_database.uow() as uow:
        question = await uow.questions.add(p.asker, p.retiree, p.community, "q", "zh_Hans", NOW)
        await uow.commit()

    async def other_queued() -> bool:
        return await lock_waiters(pg_database) == 1

    async def answer(staff: int, text: str) -> bool:
        async with pg_database.uow() as uow:
            won = await uow.questions.answer(question.id, staff, text, NOW + timedelta(hours=1))
            if won:
                await wait_until(other_queued)  # the winner holds the row lock until the other waits for it
            await uow.commit()
            return won

    results = await asyncio.gather(answer(p.staff, "from staff"), answer(p.supervisor, "from supervisor"))

    assert sorted(results) == [False, True]
    async with pg_database.uow() as uow:
        answered = await uow.questions.get(question.id)
    assert answered is not None
    winner = p.staff if results[0] else p.supervisor
    assert answered.answered_by_account_id == winner
    assert answered.answer == ("from staff" if results[0] else "from supervisor")
