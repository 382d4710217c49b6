"""One behaviour, three stores: the conversation state repository contract, run against SQLite,
PostgreSQL and the fake (tests/storage/repositories/test_conversations.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.conversation import ConversationState
from bot.ports import UnitOfWorkFactory


async def save_load_overwrite_clear(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.conversations.load(1, 2) is None
        await uow.conversations.save(1, 2, ConversationState("register", "ask_name", {"tries": 1, "x": [1]}))
        await uow.conversations.save(1, 3, ConversationState("other", "start"))
        await uow.commit()
    async with uow_factory() as uow:
        state = await uow.conversations.load(1, 2)
        assert state == ConversationState("register", "ask_name", {"tries": 1, "x": [1]})
        assert state is not None
        state.data["tries"] = 2
        await uow.conversations.save(1, 2, ConversationState("register", "ask_id", state.data))
        assert await uow.conversations.load(1, 2) == ConversationState(
            "register", "ask_id", {"tries": 2, "x": [1]}
        )
        await uow.conversations.clear(1, 2)
        await uow.conversations.clear(1, 2)  # already gone: no error
        assert await uow.conversations.load(1, 2) is None
        assert await uow.conversations.load(1, 3) == ConversationState("other", "start")
        # Chat and user together are the key: the same user elsewhere, or another user here, is not it.
        assert await uow.conversations.load(3, 1) is None
        assert await uow.conversations.load(2, 2) is None


async def a_loaded_state_is_a_copy_until_saved(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.conversations.save(1, 2, ConversationState("register", "ask_name", {"tries": 1}))
        await uow.commit()
    async with uow_factory() as uow:
        state = await uow.conversations.load(1, 2)
        assert state is not None
        state.data["tries"] = 5
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.conversations.load(1, 2) == ConversationState("register", "ask_name", {"tries": 1})
        state = await uow.conversations.load(1, 2)
        assert state is not None
        state.data["tries"] = 2
        await uow.conversations.save(1, 2, state)  # the loaded object itself, changed in place
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.conversations.load(1, 2) == ConversationState("register", "ask_name", {"tries": 2})


async def text_and_nesting_come_back_as_saved(uow_factory: UnitOfWorkFactory) -> None:
    data = {"name": "張偉 <b>&", "recent": [[1, "问", "s"]], "nested": {"a": None, "b": True, "c": 1.5}}
    async with uow_factory() as uow:
        await uow.conversations.save(-(10**12), 2**40, ConversationState("policy", "ask", data))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.conversations.load(-(10**12), 2**40) == ConversationState("policy", "ask", data)


async def nothing_is_kept_without_a_commit(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.conversations.save(1, 2, ConversationState("register", "ask_name"))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.conversations.save(1, 3, ConversationState("other", "start"))
        await uow.conversations.clear(1, 2)
        await uow.rollback()
        assert await uow.conversations.load(1, 2) == ConversationState("register", "ask_name")
        assert await uow.conversations.load(1, 3) is None


async def the_chats_in_a_flow_are_found(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.conversations.save(1, 2, ConversationState("death_report", "date", {"started": "x"}))
        await uow.conversations.save(3, 4, ConversationState("death_report", "documents", {"claim_id": 7}))
        await uow.conversations.save(5, 6, ConversationState("register", "ask_name"))
        await uow.commit()
    async with uow_factory() as uow:
        found = sorted(await uow.conversations.in_flow("death_report", 10), key=lambda f: f[0])
        assert found == [
            (1, 2, ConversationState("death_report", "date", {"started": "x"})),
            (3, 4, ConversationState("death_report", "documents", {"claim_id": 7})),
        ]
        assert len(await uow.conversations.in_flow("death_report", 1)) == 1
        assert await uow.conversations.in_flow("policy", 10) == []


Check = Callable[[UnitOfWorkFactory], Awaitable[None]]
CONTRACT: tuple[Check, ...] = (
    save_load_overwrite_clear,
    a_loaded_state_is_a_copy_until_saved,
    text_and_nesting_come_back_as_saved,
    nothing_is_kept_without_a_commit,
    the_chats_in_a_flow_are_found,
)
