"""statistics on who handles a request and who last acted on it

The unread count reads an adviser's open requests not last acted on by the adviser. The two
columns go together (an adviser mostly acted last on their own requests), so PostgreSQL,
taking them as independent, expected 926 such requests where there was 1 at 100× the demo, and
hashed every enterprise of the centre to join them. Statistics on the pair let it see that.
SQLite has no such statistics.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 04:00:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE STATISTICS st_employer_request_handler (mcv, dependencies) "
        "ON assigned_to_id, last_activity_by_id FROM employer_request"
    )
    # Gathered now, not at the next autovacuum, so the count's plan changes with the upgrade.
    op.execute("ANALYZE employer_request")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP STATISTICS st_employer_request_handler")
