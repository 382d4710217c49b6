"""Outbox: proactive messages waiting to be sent, and the batches staff follow

Revision ID: 0002_outbox
Revises: 0001_initial
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_outbox"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_outbox_batches_created_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_batches")),
    )
    op.create_index(
        op.f("ix_outbox_batches_created_by_account_id"),
        "outbox_batches",
        ["created_by_account_id"],
        unique=False,
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("keyboard", sa.JSON(), nullable=True),
        sa.Column("template", sa.String(length=100), nullable=True),
        sa.Column("context", sa.JSON(), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("attachment_kind", sa.String(length=16), nullable=True),
        sa.Column("attachment_file_id", sa.String(length=255), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_for_quiet", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('urgent', 'notice', 'reminder', 'broadcast')", name=op.f("ck_outbox_category")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'unreachable')", name=op.f("ck_outbox_status")
        ),
        sa.CheckConstraint(
            "attachment_kind IN ('photo', 'document')", name=op.f("ck_outbox_attachment_kind")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_outbox_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["outbox_batches.id"], name=op.f("fk_outbox_batch_id_outbox_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index(op.f("ix_outbox_account_id"), "outbox", ["account_id"], unique=False)
    op.create_index(op.f("ix_outbox_batch_id"), "outbox", ["batch_id"], unique=False)
    op.create_index("ix_outbox_claim", "outbox", ["status", "priority", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("outbox_batches")
