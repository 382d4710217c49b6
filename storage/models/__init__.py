"""ORM models, one module per part of the schema, all on one Base. The Alembic migrations in
storage/migrations must describe exactly Base.metadata (a test checks), so every module is imported here."""

from storage.models.activities import ActivityRow, NoticeOptOutRow, NoticeRow, SignupRow
from storage.models.base import NAMING_CONVENTION, Base, Timestamps, one_of, utcnow
from storage.models.certification import CertificationRow, CertificationSubmissionRow
from storage.models.claims import ClaimDocumentRow, ClaimRow
from storage.models.instances import InstanceRow
from storage.models.outbox import OutboxBatchRow, OutboxRow
from storage.models.people import (
    AccountRow,
    AuditLogRow,
    FamilyLinkRow,
    LoginAttemptRow,
    OrgUnitRow,
    RetireeRow,
    StaffInviteRow,
    StaffMembershipRow,
)
from storage.models.questions import KbPassageRow, QuestionRow, UnansweredQuestionRow
from storage.models.turns import ConversationStateRow, ProcessedUpdateRow

__all__ = [
    "NAMING_CONVENTION",
    "AccountRow",
    "ActivityRow",
    "AuditLogRow",
    "Base",
    "CertificationRow",
    "CertificationSubmissionRow",
    "ClaimDocumentRow",
    "ClaimRow",
    "ConversationStateRow",
    "FamilyLinkRow",
    "InstanceRow",
    "KbPassageRow",
    "LoginAttemptRow",
    "NoticeOptOutRow",
    "NoticeRow",
    "OrgUnitRow",
    "OutboxBatchRow",
    "OutboxRow",
    "ProcessedUpdateRow",
    "QuestionRow",
    "RetireeRow",
    "SignupRow",
    "StaffInviteRow",
    "StaffMembershipRow",
    "Timestamps",
    "UnansweredQuestionRow",
    "one_of",
    "utcnow",
]
