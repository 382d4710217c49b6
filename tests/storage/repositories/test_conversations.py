from __future__ import annotations

from bot.domain.records import ConversationState
from storage.database import Database


async def test_save_load_overwrite_clear(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.conversations.load(1, 2) is None
        await uow.conversations.save(1, 2, ConversationState("register", "ask_name", {"tries": 1, "x": [1]}))
        await uow.conversations.save(1, 3, ConversationState("other", "start"))
        await uow.commit()
    async with database.uow() as uow:
        state = await uow.conversations.load(1, 2)
        assert state == ConversationState("register", "ask_name", {"tries": 1, "x": [1]})
        assert state is not None
        state.data["tries"] = 2
        await uow.conversations.save(1, 2, ConversationState("register", "ask_id", state.data))
        assert await uow.conversations.load(1, 2) == ConversationState(
            "register", "ask_id", {"tries": 2, "x": [1]}
        )
        await uow.conversations.clear(1, 2)
        assert await uow.conversations.load(1, 2) is None
        assert await uow.conversations.load(1, 3) == ConversationState("other", "start")
