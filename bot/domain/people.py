"""The people and places the bot knows: org units, retirees, accounts, staff, family links. Plain records
the repositories hand to the core: no ORM objects cross the storage boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


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
class StagedRetiree:
    """A roster file's row held for a set-based import: its line and the keyed hash of its ID number, and
    its record (None for a row that is wrong otherwise: it is held only so that an ID number found twice
    is reported on both lines)."""

    line: int
    id_hash: str
    record: RetireeRecord | None


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """An org-unit file's row as imported."""

    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What a set-based insert-or-update did: rows created, rows changed, rows left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )


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
    death_reported: bool = False  # reported and not yet confirmed or withdrawn: reminders are held

    @property
    def in_campaign(self) -> bool:
        """Reminded and listed: alive, and no death reported that staff have yet to look at."""
        return not self.deceased and not self.death_reported


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    telegram_user_id: int
    chat_id: int
    locale: str
    role: AccountRole
    retiree_id: int | None  # set when role is RETIREE
    unreachable: bool = False  # Telegram said 403: the user blocked the bot; nothing is sent to them

    @property
    def is_retiree_or_family(self) -> bool:
        """Someone who acts for retirees (their own or a relative's): neither staff nor not yet identified."""
        return self.role in (AccountRole.RETIREE, AccountRole.FAMILY)


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
