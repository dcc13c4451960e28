"""security: audit rows name the account acted on and the client's address

Written against a database at 0004 and checked with autogenerate (no differences left): two
plain columns; existing rows get an empty address through the server default.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30 08:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("address", sa.String(length=45), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("subject_user_id")
