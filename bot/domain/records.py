"""Plain records the repositories hand to the core: no ORM objects cross the storage boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class UnitKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"  # district or county
    STREET = "street"  # street office or town
    COMMUNITY = "community"


class AccountRole(StrEnum):
    NEW = "new"  # has talked to the bot, not yet identified
    RETIREE = "retiree"
    FAMILY = "family"
    STAFF = "staff"


class StaffRole(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class OrgUnit:
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class RetireeRecord:
    """A roster row as imported: the ID number only as its keyed hash and masked form."""

    name: str
    id_hash: str
    id_masked: str
    birth_date: date
    retirement_date: date
    community_code: str
    phone: str | None = None
    lives_elsewhere: bool = False
    deceased: bool = False


@dataclass(frozen=True, slots=True)
class Retiree:
    id: int
    name: str
    id_hash: str
    id_masked: str
    birth_date: date
    retirement_date: date
    community_id: int
    phone: str | None
    lives_elsewhere: bool
    deceased: bool


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    telegram_user_id: int
    chat_id: int
    locale: str
    role: AccountRole
    retiree_id: int | None  # set when role is RETIREE


@dataclass(frozen=True, slots=True)
class StaffMembership:
    account_id: int
    unit_id: int
    role: StaffRole


@dataclass(frozen=True, slots=True)
class FamilyLink:
    account_id: int
    retiree_id: int
    relation: str


@dataclass(frozen=True, slots=True)
class StaffInvite:
    unit_id: int
    role: StaffRole
    expires_at: datetime


@dataclass(slots=True)
class ConversationState:
    """Where a chat is in a flow. `data` must stay JSON-serialisable and must never hold an ID number."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
