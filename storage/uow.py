"""The SQL unit of work: one session, one transaction, every repository sharing it."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Self, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.conversation import Turn
from bot.ports import (
    AccountRepository,
    ActivityRepository,
    AuditLog,
    CertificationRepository,
    ClaimRepository,
    ConversationRepository,
    FamilyLinkRepository,
    LoginAttemptRepository,
    NoticeRepository,
    OrgUnitRepository,
    Outbox,
    QuestionRepository,
    RetireeRepository,
    StaffRepository,
    StorageUnavailable,
    UpdateLog,
)
from storage.errors import is_unavailable
from storage.repositories.accounts import SqlAccountRepository
from storage.repositories.activities import SqlActivityRepository
from storage.repositories.audit import SqlAuditLog
from storage.repositories.certification import SqlCertificationRepository
from storage.repositories.claims import SqlClaimRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.family import SqlFamilyLinkRepository
from storage.repositories.login_attempts import SqlLoginAttemptRepository
from storage.repositories.notices import SqlNoticeRepository
from storage.repositories.outbox import SqlOutbox
from storage.repositories.questions import SqlQuestionRepository
from storage.repositories.retirees import SqlRetireeRepository
from storage.repositories.staff import SqlStaffRepository
from storage.repositories.turns import open_turn
from storage.repositories.units import SqlOrgUnitRepository
from storage.repositories.updates import SqlUpdateLog


class SqlUnitOfWork:
    """Implements bot.ports.UnitOfWork. Leaving the block without `commit()` (or with an exception) rolls
    back. After a commit the same unit of work may go on; what follows needs another commit."""

    # Typed as the ports so that this class satisfies bot.ports.UnitOfWork (protocol attributes are
    # invariant). Extra methods of the SQL repositories (prune, ...) are reached by building the
    # repository over `session`, e.g. `SqlUpdateLog(uow.session).prune(...)`.
    units: OrgUnitRepository
    retirees: RetireeRepository
    accounts: AccountRepository
    family: FamilyLinkRepository
    staff: StaffRepository
    conversations: ConversationRepository
    updates: UpdateLog
    login_attempts: LoginAttemptRepository
    audit: AuditLog
    outbox: Outbox
    questions: QuestionRepository
    certification: CertificationRepository
    claims: ClaimRepository
    activities: ActivityRepository
    notices: NoticeRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice")
        session = self._sessions()
        self._session = session
        self.units = SqlOrgUnitRepository(session)
        self.retirees = SqlRetireeRepository(session)
        self.accounts = SqlAccountRepository(session)
        self.family = SqlFamilyLinkRepository(session)
        self.staff = SqlStaffRepository(session)
        self.conversations = SqlConversationRepository(session)
        self.updates = SqlUpdateLog(session)
        self.login_attempts = SqlLoginAttemptRepository(session)
        self.audit = SqlAuditLog(session)
        self.outbox = SqlOutbox(session)
        self.questions = SqlQuestionRepository(session)
        self.certification = SqlCertificationRepository(session)
        self.claims = SqlClaimRepository(session)
        self.activities = SqlActivityRepository(session)
        self.notices = SqlNoticeRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        # Closing rolls back whatever was not committed and hands the connection back.
        try:
            await session.close()
        except Exception:
            if not is_unavailable(exc):
                raise
        if exc is not None and not isinstance(exc, StorageUnavailable) and is_unavailable(exc):
            raise StorageUnavailable(f"the database does not answer ({type(exc).__name__})") from exc

    async def commit(self) -> None:
        await self.session.commit()

    async def open_turn(
        self, update_id: int, now: datetime, user_id: int, chat_id: int, locale: str
    ) -> Turn | None:
        conversations = cast(SqlConversationRepository, self.conversations)
        accounts = cast(SqlAccountRepository, self.accounts)
        return await open_turn(
            self.session, accounts, conversations, update_id, now, user_id, chat_id, locale
        )

    async def rollback(self) -> None:
        await self.session.rollback()
