"""The fakes behave like a transaction: nothing is visible before commit, rollback forgets."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.conversation import ConversationState
from tests.fakes import FakeDatabase


async def test_changes_are_visible_only_after_commit() -> None:
    db = FakeDatabase()
    async with db.uow() as uow:
        await uow.accounts.get_or_create(1, 1, "en")
        async with db.uow() as other:
            assert await other.accounts.get_by_telegram_user(1) is None
        await uow.commit()
    async with db.uow() as uow:
        assert await uow.accounts.get_by_telegram_user(1) is not None


async def test_leaving_without_commit_rolls_back() -> None:
    db = FakeDatabase()
    async with db.uow() as uow:
        assert await uow.updates.claim(5, _now())
        await uow.conversations.save(1, 1, ConversationState("f", "s", {"a": 1}))
    async with db.uow() as uow:
        assert await uow.updates.claim(5, _now())
        assert await uow.conversations.load(1, 1) is None
        await uow.commit()
        assert not await uow.updates.claim(5, _now())


async def test_explicit_rollback_forgets_uncommitted_work() -> None:
    db = FakeDatabase()
    async with db.uow() as uow:
        await uow.accounts.get_or_create(1, 1, "en")
        await uow.rollback()
        assert await uow.accounts.get_by_telegram_user(1) is None


def _now() -> datetime:
    return datetime(2025, 1, 1, tzinfo=UTC)
