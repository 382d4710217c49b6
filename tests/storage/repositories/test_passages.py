"""SqlPassageRepository (passages of `kb ingest`ed notices) on each backend."""

from __future__ import annotations

from bot.knowledge.ingest import IngestedPassage
from bot.knowledge.model import Passage
from storage.database import Database
from storage.repositories.kb_passages import SqlPassageRepository
from tests.backends import on_each_backend

pytestmark = on_each_backend

NOTICE = [
    IngestedPassage("關於資格認證的通知", "一、認證時間", "每年三月至四月。"),
    IngestedPassage("關於資格認證的通知", "二、認證地點", "居住地社區。"),
]
OTHER = [IngestedPassage("丧葬费办理说明", "一、材料", "火化证明。")]


async def stored(database: Database) -> list[Passage]:
    async with database.session() as session:
        return list(await SqlPassageRepository(session).all())


async def test_passages_are_stored_in_order_with_their_citation(database: Database) -> None:
    assert await stored(database) == []
    async with database.session() as session:
        repository = SqlPassageRepository(session)
        assert await repository.replace_document("notice.txt", NOTICE) == 2
        assert await repository.replace_document("other.txt", OTHER) == 1
        await session.commit()
    passages = await stored(database)
    assert [(p.title, p.section, p.text) for p in passages] == [
        (p.title, p.section, p.text) for p in (*NOTICE, *OTHER)
    ]
    assert len({p.id for p in passages}) == 3


async def test_ingesting_a_document_again_replaces_only_its_passages(database: Database) -> None:
    async with database.session() as session:
        repository = SqlPassageRepository(session)
        await repository.replace_document("notice.txt", NOTICE)
        await repository.replace_document("other.txt", OTHER)
        await session.commit()
    revised = [IngestedPassage("關於資格認證的通知", "一、認證時間", "每年五月。")]
    async with database.session() as session:
        assert await SqlPassageRepository(session).replace_document("notice.txt", revised) == 1
        await session.commit()
    assert [p.text for p in await stored(database)] == ["火化证明。", "每年五月。"]
    async with database.session() as session:
        assert await SqlPassageRepository(session).replace_document("notice.txt", []) == 0
        await session.commit()
    assert [p.text for p in await stored(database)] == ["火化证明。"]


async def test_long_names_titles_and_sections_fit_their_columns(database: Database) -> None:
    """PostgreSQL refuses a value longer than its VARCHAR; a long file name must not fail the ingest."""
    long = IngestedPassage("题" * 250, "节" * 250, "正文" * 2000)
    async with database.session() as session:
        assert await SqlPassageRepository(session).replace_document("n" * 250 + ".txt", [long]) == 1
        await session.commit()
    (passage,) = await stored(database)
    assert (passage.title, passage.section) == ("题" * 200, "节" * 200)
    assert passage.text == long.text
    # The same long name again replaces it (the name is cut the same way each time).
    async with database.session() as session:
        await SqlPassageRepository(session).replace_document("n" * 250 + ".txt", [long])
        await session.commit()
    assert len(await stored(database)) == 1
