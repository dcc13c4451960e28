"""report file: an optional file on an occupational health service's report

Written by hand against a database at 0016 and checked by tests/test_migrations.py. The file
itself lives in the attachment store (ATTACHMENT_DIR) under its generated name.

Revision ID: 0020
Revises: 0021
Create Date: 2026-11-30 14:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "health_service_report"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("file_stored_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("file_content_type", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("file_size", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_health_service_report_file_stored_name"), ["file_stored_name"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_health_service_report_file_complete"),
            "file_stored_name IS NULL OR (file_name IS NOT NULL "
            "AND file_content_type IS NOT NULL AND file_size IS NOT NULL)",
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_health_service_report_file_complete"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_health_service_report_file_stored_name"), type_="unique"
        )
        batch_op.drop_column("file_size")
        batch_op.drop_column("file_content_type")
        batch_op.drop_column("file_stored_name")
        batch_op.drop_column("file_name")
