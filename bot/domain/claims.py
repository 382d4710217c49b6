"""Death reports and death-benefit claims: statuses, documents, reference numbers and the records storage
returns.

One claim per deceased retiree, whoever reports the death: the claim row is the report. A report holds
every reminder and notice about the retiree until staff confirm it (having seen the death or cremation
certificate: the retiree is then recorded deceased) or withdraw it as mistaken (what was held is released).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

# Read out on the phone: no 0/O, no 1/I, nothing that sounds or looks like another.
REFERENCE_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH: Final = 8
MAX_DOCUMENT_BYTES: Final = 20 * 1024 * 1024  # what a bot may download from Telegram


class ReportStatus(StrEnum):
    REPORTED = "reported"  # a family member (or staff) said so; reminders are held
    CONFIRMED = "confirmed"  # staff saw the certificate: the retiree is recorded deceased
    WITHDRAWN = "withdrawn"  # staff found it mistaken: everything held is released


class ClaimStatus(StrEnum):
    """Where the claim stands, in the order a family meets them."""

    GATHERING = "gathering"  # the family is still sending documents
    SUBMITTED = "submitted"
    DOCUMENTS_MISSING = "documents_missing"  # staff asked for documents (a note says which)
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"  # with the amount
    PAID = "paid"
    RETURNED = "returned"  # with a reason


# What staff may still act on; the others are with the family or finished.
OPEN_FOR_STAFF: Final = (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW, ClaimStatus.DOCUMENTS_MISSING)


class FileType(StrEnum):
    PHOTO = "photo"
    PDF = "pdf"


class DocumentState(StrEnum):
    PRESENT = "present"
    NOT_YET = "not_yet"  # "I don't have it yet": the claim stays open with it missing


@dataclass(frozen=True, slots=True)
class ClaimDocument:
    claim_id: int
    kind: str  # a key of the region profile's checklist, e.g. "cremation_certificate"
    state: DocumentState
    file_id: str | None = None
    file_type: FileType | None = None
    file_size: int | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    retiree_id: int
    reference: str
    report_status: ReportStatus
    status: ClaimStatus
    died_on: date
    reported_by_account_id: int | None
    reported_at: datetime
    applicant_relation: str
    applicant_phone: str | None
    applicant_is_recipient: bool
    confirmed_by_account_id: int | None = None
    confirmed_at: datetime | None = None
    contributed_months: int | None = None
    paid_through: str | None = None  # "2027-02": the last month the pension was paid, when known
    monthly_pension: Decimal | None = None
    overpayment_settled: bool = False
    amount: Decimal | None = None  # what staff approved
    note: str | None = None  # documents asked for, or why it was returned
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    escalated_at: datetime | None = None

    @property
    def held(self) -> bool:
        return self.report_status is ReportStatus.REPORTED


@dataclass(frozen=True, slots=True)
class ClaimListItem:
    """A line of the staff queue and of the export: the claim with whose it is."""

    claim: Claim
    retiree_name: str
    id_masked: str
    community_id: int


@dataclass(frozen=True, slots=True)
class NewReport:
    """What a death report says; the reference is drawn by the caller (reference_number())."""

    retiree_id: int
    died_on: date
    account_id: int
    relation: str
    phone: str | None
    is_recipient: bool
    reference: str
    at: datetime


MAX_AMOUNT: Final = Decimal("10000000")  # a typo's extra zeros, not a death benefit
_CURRENCY = re.compile(r"^(?:cny|rmb|人民币|￥|¥)|(?:元整?|块钱?|cny|rmb)$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


class AmountError(ValueError):
    """Not an amount of money in yuan as staff type it."""


def parse_amount(text: str) -> Decimal:
    """An amount in yuan as staff type it: "5637", "5,637.00", "5637元", "￥5637", "5 637", full-width
    digits; more than 0, at most two decimals."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold().replace(" ", "")
    # NFKC turns the full-width yen sign into ¥; both are a currency sign here.
    for _ in range(2):
        folded = _CURRENCY.sub("", folded).strip()
    if "," in folded:
        if not _THOUSANDS.fullmatch(folded):
            raise AmountError(text)
        folded = folded.replace(",", "")
    if not re.fullmatch(r"\d+(?:\.\d{1,2})?", folded):
        raise AmountError(text)
    try:
        amount = Decimal(folded)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise AmountError(text) from exc
    if not Decimal(0) < amount < MAX_AMOUNT:
        raise AmountError(text)
    return amount.quantize(Decimal("0.01"))


def reference_number() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def spoken_reference(reference: str) -> str:
    """ "K7P29XQM" as "K7P2-9XQM": two groups of four are easier to read out."""
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == REFERENCE_LENGTH else reference


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """One document of a region's checklist: a key, its name in each language, and whether it is asked
    only when the applicant is not the one who receives the money (a power of attorney)."""

    key: str
    names: dict[str, str]
    only_for_agents: bool = False

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("zh_Hans") or self.key


@dataclass(frozen=True, slots=True)
class ClaimRules:
    """A region's claim checklist and office calendar (the region profile's `claims:` section)."""

    documents: tuple[DocumentSpec, ...]
    working_days: frozenset[int] = frozenset(range(5))  # Monday 0 .. Sunday 6
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked instead of a holiday (调休)
    review_working_days: int = 3  # untouched this long, a claim goes to the supervisor

    def checklist(self, is_recipient: bool) -> tuple[DocumentSpec, ...]:
        return tuple(d for d in self.documents if is_recipient is False or not d.only_for_agents)

    def spec(self, key: str) -> DocumentSpec | None:
        return next((d for d in self.documents if d.key == key), None)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.working_days and day not in self.holidays

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        count, day = 0, start
        while day < end:
            day = date.fromordinal(day.toordinal() + 1)
            count += self.is_working_day(day)
        return count
