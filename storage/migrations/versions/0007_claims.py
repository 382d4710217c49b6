"""Death reports and death-benefit claims; outbox messages held while a reported death is checked

Revision ID: 0007_claims
Revises: 0006_instances
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_claims"
down_revision: str | None = "0006_instances"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OUTBOX_STATUS = "status IN ('queued', 'sending', 'sent', 'failed', 'unreachable'{})"
_HELD = ", 'held', 'cancelled'"
_CLAIM_STATUS = (
    "status IN ('gathering', 'submitted', 'documents_missing', 'under_review', 'approved', 'paid', "
    "'returned')"
)


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retiree_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("report_status", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("died_on", sa.Date(), nullable=False),
        sa.Column("reported_by_account_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applicant_relation", sa.String(length=32), nullable=False),
        sa.Column("applicant_phone", sa.String(length=32), nullable=True),
        sa.Column("applicant_is_recipient", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contributed_months", sa.Integer(), nullable=True),
        sa.Column("paid_through", sa.String(length=7), nullable=True),
        sa.Column("monthly_pension_fen", sa.Integer(), nullable=True),
        sa.Column("overpayment_settled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "report_status IN ('reported', 'confirmed', 'withdrawn')", name=op.f("ck_claims_report_status")
        ),
        sa.CheckConstraint(_CLAIM_STATUS, name=op.f("ck_claims_status")),
        sa.ForeignKeyConstraint(
            ["retiree_id"], ["retirees.id"], name=op.f("fk_claims_retiree_id_retirees"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_claims_reported_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_claims_confirmed_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("retiree_id", name=op.f("uq_claims_retiree_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_claims_reference")),
    )
    op.create_index(
        op.f("ix_claims_reported_by_account_id"), "claims", ["reported_by_account_id"], unique=False
    )
    op.create_index("ix_claims_status_updated_at", "claims", ["status", "updated_at"], unique=False)
    op.create_table(
        "claim_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("file_type", sa.String(length=8), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('present', 'not_yet')", name=op.f("ck_claim_documents_state")),
        sa.CheckConstraint("file_type IN ('photo', 'pdf')", name=op.f("ck_claim_documents_file_type")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_documents_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_claim_documents_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_documents")),
        sa.UniqueConstraint("claim_id", "kind", name=op.f("uq_claim_documents_claim_id_kind")),
    )
    with op.batch_alter_table("retirees") as batch:
        batch.add_column(sa.Column("death_reported_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("about_retiree_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_outbox_about_retiree_id_retirees"),
            "retirees",
            ["about_retiree_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_outbox_about_retiree_id"), ["about_retiree_id"], unique=False)
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), _OUTBOX_STATUS.format(_HELD))


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE status IN ('held', 'cancelled')")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), _OUTBOX_STATUS.format(""))
        batch.drop_index(op.f("ix_outbox_about_retiree_id"))
        batch.drop_constraint(op.f("fk_outbox_about_retiree_id_retirees"), type_="foreignkey")
        batch.drop_column("about_retiree_id")
    with op.batch_alter_table("retirees") as batch:
        batch.drop_column("death_reported_at")
    op.drop_table("claim_documents")
    op.drop_index("ix_claims_status_updated_at", table_name="claims")
    op.drop_index(op.f("ix_claims_reported_by_account_id"), table_name="claims")
    op.drop_table("claims")
