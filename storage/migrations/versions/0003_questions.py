"""Policy questions: hand-offs to staff, questions the bot could not answer, ingested passages

Revision ID: 0003_questions
Revises: 0002_outbox
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_questions"
down_revision: str | None = "0002_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_account_id", sa.Integer(), nullable=False),
        sa.Column("retiree_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_account_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'answered')", name=op.f("ck_questions_status")),
        sa.ForeignKeyConstraint(
            ["asker_account_id"],
            ["accounts.id"],
            name=op.f("fk_questions_asker_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_questions_answered_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retiree_id"],
            ["retirees.id"],
            name=op.f("fk_questions_retiree_id_retirees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_questions_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index(op.f("ix_questions_asker_account_id"), "questions", ["asker_account_id"], unique=False)
    op.create_index(op.f("ix_questions_unit_id"), "questions", ["unit_id"], unique=False)
    op.create_index(op.f("ix_questions_status"), "questions", ["status"], unique=False)
    op.create_index(op.f("ix_questions_created_at"), "questions", ["created_at"], unique=False)
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_questions")),
    )
    op.create_index(op.f("ix_unanswered_questions_at"), "unanswered_questions", ["at"], unique=False)
    op.create_table(
        "kb_passages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_passages")),
    )
    op.create_index(op.f("ix_kb_passages_document"), "kb_passages", ["document"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kb_passages_document"), table_name="kb_passages")
    op.drop_table("kb_passages")
    op.drop_index(op.f("ix_unanswered_questions_at"), table_name="unanswered_questions")
    op.drop_table("unanswered_questions")
    op.drop_index(op.f("ix_questions_created_at"), table_name="questions")
    op.drop_index(op.f("ix_questions_status"), table_name="questions")
    op.drop_index(op.f("ix_questions_unit_id"), table_name="questions")
    op.drop_index(op.f("ix_questions_asker_account_id"), table_name="questions")
    op.drop_table("questions")
