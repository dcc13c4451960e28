"""inbox order: requests by (waiting since, created, id)

The inbox reads each group of its order (the adviser's own, or an urgency) longest waiting first
and stops at the page, instead of sorting every request of the centre by a computed key (8 ms
at 100× the demo data).

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 18:00:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employer_request_waiting", ["waiting_since", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.drop_index("ix_employer_request_waiting")
