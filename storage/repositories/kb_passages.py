"""Passages of ingested policy notices (`retiree-bot kb ingest`), read back when the bot starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.knowledge.ingest import IngestedPassage
from bot.knowledge.model import Passage
from bot.knowledge.provider import PassageLoader
from storage.models import KbPassageRow


class SqlPassageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replace_document(self, document: str, passages: Sequence[IngestedPassage]) -> int:
        """Store the document's passages instead of any from an earlier ingest of it."""
        # Cut like the title and section: PostgreSQL refuses a file name longer than the column.
        document = document[:200]
        await self._session.execute(delete(KbPassageRow).where(KbPassageRow.document == document))
        self._session.add_all(
            KbPassageRow(document=document, title=p.title[:200], section=p.section[:200], text=p.text)
            for p in passages
        )
        await self._session.flush()
        return len(passages)

    async def all(self) -> Sequence[Passage]:
        rows = await self._session.scalars(select(KbPassageRow).order_by(KbPassageRow.id))
        return [Passage(row.id, row.title, row.section, row.text) for row in rows]


def passage_loader(new_session: Callable[[], AsyncSession]) -> PassageLoader:
    """What the knowledge provider calls to read the ingested passages (in a session of their own)."""

    async def load() -> Sequence[Passage]:
        async with new_session() as session:
            return await SqlPassageRepository(session).all()

    return load
