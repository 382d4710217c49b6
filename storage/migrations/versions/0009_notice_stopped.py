"""Notices get an end state for a cancellation: 'stopped', once what was in flight has settled and the
progress message shows it, so the notice-progress job no longer looks at it

Revision ID: 0009_notice_stopped
Revises: 0008_activities
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_notice_stopped"
down_revision: str | None = "0008_activities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "status IN ('draft', 'approval', 'sending', 'done', 'cancelled', 'rejected')"
_AFTER = "status IN ('draft', 'approval', 'sending', 'done', 'cancelled', 'rejected', 'stopped')"


def _statuses(allowed: str) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode rebuilds the table with the new one.
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint(op.f("ck_notices_status"), type_="check")
        batch.create_check_constraint("status", sa.text(allowed))


def upgrade() -> None:
    _statuses(_AFTER)


def downgrade() -> None:
    op.execute("UPDATE notices SET status = 'cancelled' WHERE status = 'stopped'")
    _statuses(_BEFORE)
