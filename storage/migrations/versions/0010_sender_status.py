"""What each instance's sender did (leads the jobs, shared or local budget, messages sent, when it last
claimed and sent), as of its last heartbeat; and an index for keeping one chat's messages in order across
workers

Revision ID: 0010_sender_status
Revises: 0009_notice_stopped
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_sender_status"
down_revision: str | None = "0009_notice_stopped"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("leads", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("budget", sa.String(length=16), server_default="local", nullable=False))
        batch.add_column(sa.Column("sent", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("last_claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_chat", "outbox", ["chat_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_chat", table_name="outbox")
    with op.batch_alter_table("instances") as batch:
        for column in ("last_sent_at", "last_claimed_at", "sent", "budget", "leads"):
            batch.drop_column(column)
