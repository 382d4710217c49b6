"""Unlinked accounts lose their family links

Until this revision, unlinking an account left its family links behind; registering again as another
retiree's family brought the old links back. Unlinking now removes them, and this revision removes those
left by earlier unlinks (accounts whose role is back to 'new').

Revision ID: 0005_unlinked_family
Revises: 0004_certification
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_unlinked_family"
down_revision: str | None = "0004_certification"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM family_links WHERE account_id IN (SELECT id FROM accounts WHERE role = 'new')")


def downgrade() -> None:
    """Nothing to restore: the removed links were those an unlink had already taken out of use."""
