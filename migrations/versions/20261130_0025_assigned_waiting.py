"""the adviser's own requests in the inbox's order

The inbox's first group (the adviser's own requests, longest waiting first) was read from
ix_employer_request_waiting, passing over every other request of the county waiting longer
(1,172 of them at 100× the demo data). The new index leads with the handler, so it also serves
what the single-column index on assigned_to_id did, which goes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 19:50:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employer_request_assigned_waiting",
            ["assigned_to_id", "waiting_since", "created_at", "id"],
            unique=False,
        )
        batch_op.drop_index("ix_employer_request_assigned_to_id")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employer_request_assigned_to_id", ["assigned_to_id"], unique=False
        )
        batch_op.drop_index("ix_employer_request_assigned_waiting")
