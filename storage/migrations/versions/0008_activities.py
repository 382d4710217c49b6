"""Community activities (sign-ups, waitlists, offers), staff notices and their opt-outs; outbox messages
may copy or edit a message (a cancelled status came with 0007)

Revision ID: 0008_activities
Revises: 0007_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_activities"
down_revision: str | None = "0007_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND_BEFORE = "attachment_kind IN ('photo', 'document')"
_KIND_AFTER = "attachment_kind IN ('photo', 'document', 'copy', 'edit')"


def _outbox_kinds(kind: str) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode rebuilds the table with the new one.
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_attachment_kind"), type_="check")
        batch.create_check_constraint("attachment_kind", sa.text(kind))


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("signup_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("companions", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "audience IN ('retirees', 'families', 'both')", name=op.f("ck_activities_audience")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_activities_created_by_accounts")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_activities_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_starts_at"), "activities", ["starts_at"], unique=False)
    op.create_index(op.f("ix_activities_unit_id"), "activities", ["unit_id"], unique=False)
    op.create_table(
        "activity_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("companions", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'declined')",
            name=op.f("ck_activity_signups_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_activity_signups_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_signups_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_signups")),
        sa.UniqueConstraint(
            "activity_id", "account_id", name=op.f("uq_activity_signups_activity_id_account_id")
        ),
    )
    op.create_index(op.f("ix_activity_signups_account_id"), "activity_signups", ["account_id"], unique=False)
    op.create_index(
        op.f("ix_activity_signups_offer_expires_at"), "activity_signups", ["offer_expires_at"], unique=False
    )
    op.create_index(
        "ix_activity_signups_queue", "activity_signups", ["activity_id", "status", "seq"], unique=False
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("narrowing", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("progress_shown", sa.String(length=200), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("audience IN ('retirees', 'families', 'both')", name=op.f("ck_notices_audience")),
        sa.CheckConstraint("narrowing IN ('all', 'local', '80')", name=op.f("ck_notices_narrowing")),
        sa.CheckConstraint(
            "status IN ('draft', 'approval', 'sending', 'done', 'cancelled', 'rejected')",
            name=op.f("ck_notices_status"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_notices_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["outbox_batches.id"], name=op.f("fk_notices_batch_id_outbox_batches")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"], name=op.f("fk_notices_created_by_accounts")),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_notices_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_created_by"), "notices", ["created_by"], unique=False)
    op.create_index(op.f("ix_notices_status"), "notices", ["status"], unique=False)
    op.create_table(
        "notice_opt_outs",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notice_opt_outs_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notice_opt_outs")),
    )
    _outbox_kinds(_KIND_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE attachment_kind IN ('copy', 'edit')")
    _outbox_kinds(_KIND_BEFORE)
    op.drop_table("notice_opt_outs")
    op.drop_table("notices")
    op.drop_table("activity_signups")
    op.drop_table("activities")
