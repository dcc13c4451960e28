"""the plans overview's sections read in the order they list

Plans awaiting answers (the longest waiting first: sending sets ``sent_at``) and declined plans
(oldest first) are read through an index on that order, so a page stops the scan; the overview
no longer counts them (it peeks one row past the page), as it did not for overdue activities.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 01:30:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_plan_status_sent",
            ["status", "sent_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_action_plan_status_updated", ["status", "updated_at", "id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_action_plan_status_updated")
        batch_op.drop_index("ix_action_plan_status_sent")
