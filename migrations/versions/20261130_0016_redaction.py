"""redaction: when and by whom an adviser removed a request's description or a message's text

Written by hand against a database at 0015 and checked by tests/test_migrations.py. Only the
time and the adviser are kept; the removed text itself is overwritten, never stored.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column prefix): employer_request.description_redacted_*, request_message.redacted_*
_PARTS = (("employer_request", "description_"), ("request_message", ""))


def upgrade() -> None:
    """Upgrade schema."""
    for table, prefix in _PARTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(f"{prefix}redacted_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(sa.Column(f"{prefix}redacted_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_{prefix}redacted_by_id_user_account"),
                "user_account",
                [f"{prefix}redacted_by_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    """Downgrade schema."""
    for table, prefix in reversed(_PARTS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_{prefix}redacted_by_id_user_account"), type_="foreignkey"
            )
            batch_op.drop_column(f"{prefix}redacted_by_id")
            batch_op.drop_column(f"{prefix}redacted_at")
