"""Tables of the people and the places: org units, retirees, accounts, staff, family links, login
attempts and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.people import AccountRole, StaffRole, UnitKind
from storage.models.base import Base, Timestamps, one_of, utcnow


class OrgUnitRow(Base):
    __tablename__ = "org_units"
    __table_args__ = (one_of("kind", UnitKind),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Materialised path of ids, e.g. "/1/4/9/": a subtree is every row whose path starts with the unit's.
    path: Mapped[str] = mapped_column(String(255), index=True)


class RetireeRow(Timestamps, Base):
    __tablename__ = "retirees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date] = mapped_column(Date)
    retirement_date: Mapped[date] = mapped_column(Date)
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    lives_elsewhere: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deceased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A death reported and not yet confirmed or withdrawn: the campaign leaves the retiree alone meanwhile.
    death_reported_at: Mapped[datetime | None]


class AccountRow(Timestamps, Base):
    __tablename__ = "accounts"
    __table_args__ = (one_of("role", AccountRole),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    locale: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default=AccountRole.NEW.value)
    retiree_id: Mapped[int | None] = mapped_column(ForeignKey("retirees.id"), index=True)
    # Set when Telegram says the user blocked the bot (403): delivery stops trying.
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StaffMembershipRow(Base):
    __tablename__ = "staff_memberships"
    __table_args__ = (UniqueConstraint("account_id", "unit_id"), one_of("role", StaffRole))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffInviteRow(Base):
    __tablename__ = "staff_invites"
    __table_args__ = (one_of("role", StaffRole),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FamilyLinkRow(Base):
    __tablename__ = "family_links"
    __table_args__ = (UniqueConstraint("account_id", "retiree_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    retiree_id: Mapped[int] = mapped_column(ForeignKey("retirees.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_account_id_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime]


class AuditLogRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    at: Mapped[datetime] = mapped_column(index=True)
