"""Certification status per retiree and cycle, and the submissions staff review: one repository, its parts
by idea (one retiree's status, the campaign's scans of the roster, the staff's views, the submissions).

The campaign touches every retiree, so its scans are single statements over a range of retiree ids (the
caller walks the roster range by range): nothing is loaded into Python per retiree. Its reminders are queued
by the outbox repository (SqlOutbox.enqueue_reminders).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.certification.campaign import CampaignScans
from storage.repositories.certification.staff import StaffViews
from storage.repositories.certification.status import RetireeStatus
from storage.repositories.certification.submissions import Submissions


class SqlCertificationRepository(RetireeStatus, CampaignScans, StaffViews, Submissions):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
