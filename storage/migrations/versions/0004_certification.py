"""Certification campaign: status per retiree and cycle, photo/video submissions for staff review

Revision ID: 0004_certification
Revises: 0003_questions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_certification"
down_revision: str | None = "0003_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = "status IN ('pending', 'self_reported', 'certified', 'suspended')"
_METHOD = "method IN ('self_service', 'home_visit', 'in_person', 'data_comparison', 'self_report')"


def upgrade() -> None:
    op.create_table(
        "certifications",
        sa.Column("retiree_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=24), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certified_by_account_id", sa.Integer(), nullable=True),
        sa.Column("self_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("visit_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("family_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suspension_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("restored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_STATUS, name=op.f("ck_certifications_status")),
        sa.CheckConstraint(_METHOD, name=op.f("ck_certifications_method")),
        sa.ForeignKeyConstraint(
            ["retiree_id"],
            ["retirees.id"],
            name=op.f("fk_certifications_retiree_id_retirees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["certified_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_certifications_certified_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("retiree_id", "cycle", name=op.f("pk_certifications")),
    )
    op.create_index("ix_certifications_cycle_status", "certifications", ["cycle", "status"], unique=False)
    op.create_table(
        "certification_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retiree_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("reviewed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('photo', 'video')", name=op.f("ck_certification_submissions_kind")),
        sa.CheckConstraint(
            "status IN ('waiting', 'approved', 'rejected')", name=op.f("ck_certification_submissions_status")
        ),
        sa.CheckConstraint(
            "reason IN ('unclear', 'no_id', 'not_retiree', 'other')",
            name=op.f("ck_certification_submissions_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["retiree_id"],
            ["retirees.id"],
            name=op.f("fk_certification_submissions_retiree_id_retirees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_certification_submissions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_certification_submissions_reviewed_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_submissions")),
    )
    op.create_index(
        op.f("ix_certification_submissions_retiree_id"),
        "certification_submissions",
        ["retiree_id"],
        unique=False,
    )
    op.create_index(
        "ix_certification_submissions_status_id", "certification_submissions", ["status", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_certification_submissions_status_id", table_name="certification_submissions")
    op.drop_index(op.f("ix_certification_submissions_retiree_id"), table_name="certification_submissions")
    op.drop_table("certification_submissions")
    op.drop_index("ix_certifications_cycle_status", table_name="certifications")
    op.drop_table("certifications")
