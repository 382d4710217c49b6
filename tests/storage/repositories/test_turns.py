"""What `UnitOfWork.open_turn` must do, on any store (SQLite, PostgreSQL, the fake): the same as claiming
the update, getting or creating the account and loading the chat's state, one call after the other."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.conversation import ConversationState
from bot.domain.people import AccountRole
from bot.ports import UnitOfWorkFactory

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
USER = 5551
CHAT = 5551


async def test_open_turn(uow_factory: UnitOfWorkFactory) -> None:
    # First contact: the account is created with the given locale; no state yet.
    async with uow_factory() as uow:
        turn = await uow.open_turn(1, NOW, USER, CHAT, "zh_Hant")
        assert turn is not None
        assert (turn.account.telegram_user_id, turn.account.chat_id) == (USER, CHAT)
        assert (turn.account.locale, turn.account.role) == ("zh_Hant", AccountRole.NEW)
        assert turn.state is None
        await uow.conversations.save(
            CHAT, USER, ConversationState("policy", "ask", {"recent": [[1, "问", "s"]]})
        )
        await uow.commit()
    first = turn.account

    # The same update again (a redelivery) is refused, and refusing it changes nothing.
    async with uow_factory() as uow:
        assert await uow.open_turn(1, NOW, USER, CHAT, "en") is None

    # The next update finds the account as it was and the state as saved, a copy of its own.
    async with uow_factory() as uow:
        turn = await uow.open_turn(2, NOW, USER, CHAT, "en")
        assert turn is not None
        assert turn.account == first
        assert turn.state == ConversationState("policy", "ask", {"recent": [[1, "问", "s"]]})
        turn.state.data["recent"].append([2, "再问", "s"])
        await uow.conversations.clear(CHAT, USER)
        await uow.commit()
    async with uow_factory() as uow:
        turn = await uow.open_turn(3, NOW, USER, CHAT, "en")
        assert turn is not None
        assert turn.state is None

    # Another user's state in this chat is not theirs.
    async with uow_factory() as uow:
        await uow.conversations.save(CHAT, USER + 1, ConversationState("start", "role", {}))
        turn = await uow.open_turn(4, NOW, USER, CHAT, "en")
        assert turn is not None
        assert turn.state is None
        await uow.commit()

    # Writing from another chat moves the account there.
    async with uow_factory() as uow:
        turn = await uow.open_turn(5, NOW, USER, CHAT + 7, "en")
        assert turn is not None
        assert (turn.account.id, turn.account.chat_id) == (first.id, CHAT + 7)
        await uow.commit()
    async with uow_factory() as uow:
        moved = await uow.accounts.get(first.id)
        assert moved is not None
        assert moved.chat_id == CHAT + 7
