"""The rows of the staff export of death-benefit claims (bot.tables writes them as CSV or XLSX): the claims
of the staff member's unit subtree reported in a period, in the statuses asked for. ID numbers only masked;
no phone numbers or file ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.claims import ClaimRules, ClaimStatus, ReportStatus
from bot.domain.people import Account
from bot.i18n import N_, Translator
from bot.ports import UnitOfWork
from bot.services.certification import staff_unit_ids
from bot.services.claims import missing_documents

HEADER = (
    N_("Reference"),
    N_("Name"),
    N_("ID number (masked)"),
    N_("Community"),
    N_("Date of death"),
    N_("Reported at"),
    N_("Death report"),
    N_("Status"),
    N_("Documents missing"),
    N_("Amount approved (CNY)"),
    N_("Submitted at"),
)
STATUS_WORDS: dict[ClaimStatus, str] = {
    ClaimStatus.GATHERING: N_("documents being gathered"),
    ClaimStatus.SUBMITTED: N_("submitted"),
    ClaimStatus.DOCUMENTS_MISSING: N_("documents missing"),
    ClaimStatus.UNDER_REVIEW: N_("under review"),
    ClaimStatus.APPROVED: N_("approved"),
    ClaimStatus.PAID: N_("paid"),
    ClaimStatus.RETURNED: N_("returned"),
}
REPORT_WORDS: dict[ReportStatus, str] = {
    ReportStatus.REPORTED: N_("reported, to confirm"),
    ReportStatus.CONFIRMED: N_("confirmed"),
    ReportStatus.WITHDRAWN: N_("withdrawn as mistaken"),
}
PAGE = 1000
SHEET = "claims"


async def export_rows(
    uow: UnitOfWork,
    t: Translator,
    staff: Account,
    statuses: Sequence[ClaimStatus],
    since: datetime | None,
    until: datetime | None,
    rules: ClaimRules | None,
    tz: ZoneInfo,
) -> list[list[str]]:
    units = await staff_unit_ids(uow, staff)
    communities: dict[int, str] = {}
    rows = [[t.gettext(h) for h in HEADER]]
    offset = 0
    while True:
        page = await uow.claims.listing(units, statuses, offset, PAGE, since, until)
        for item in page:
            claim = item.claim
            if item.community_id not in communities:
                unit = await uow.units.get(item.community_id)
                communities[item.community_id] = unit.name if unit else ""
            missing: list[str] = []
            if rules is not None:
                documents = await uow.claims.documents(claim.id)
                for key in missing_documents(rules, claim, documents):
                    spec = rules.spec(key)
                    missing.append(spec.name(t.locale) if spec else key)
            rows.append(
                [
                    claim.reference,
                    item.retiree_name,
                    item.id_masked,
                    communities[item.community_id],
                    claim.died_on.isoformat(),
                    _when(claim.reported_at, tz),
                    t.gettext(REPORT_WORDS[claim.report_status]),
                    t.gettext(STATUS_WORDS[claim.status]),
                    "、".join(missing),
                    "" if claim.amount is None else f"{claim.amount:.2f}",
                    _when(claim.submitted_at, tz),
                ]
            )
        if len(page) < PAGE:
            break
        offset += PAGE
    return rows


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""
