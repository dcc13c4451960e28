"""open requests by handler, for the unread count

The unread count on every adviser page read the adviser's and the unassigned requests as one
``OR``: both ranges of ix_employer_request_assigned_waiting whole (5,600 entries at 100× the
demo) and then the rows. It now reads the two apart, each only as far as its limit, from this
index, which holds every column the count reads.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 01:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employer_request_open",
            ["assigned_to_id", "last_activity_by_id", "id", "enterprise_id", "last_activity_at"],
            unique=False,
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.drop_index("ix_employer_request_open")
