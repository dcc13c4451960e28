"""No overlapping agreement periods or action plans of one enterprise, kept by PostgreSQL.

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30

The services lock the enterprise's row before their overlap check on every database; on
PostgreSQL exclusion constraints also keep any other writer (a script, a future code path) from
storing an overlap. SQLite has no exclusion constraints: there the lock is the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An agreement is in force from its start to its end, or to the day before its termination.
AGREEMENT_DAYS = (
    "daterange(start_date, GREATEST(start_date, LEAST(end_date + 1, "
    "COALESCE(terminated_on, end_date + 1))))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE cooperation_agreement ADD CONSTRAINT ex_cooperation_agreement_overlap "
        f"EXCLUDE USING gist (enterprise_id WITH =, ({AGREEMENT_DAYS}) WITH &&)"
    )
    op.execute(
        "ALTER TABLE action_plan ADD CONSTRAINT ex_action_plan_overlap EXCLUDE USING gist "
        "(enterprise_id WITH =, daterange(period_start, period_end, '[]') WITH &&)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE action_plan DROP CONSTRAINT ex_action_plan_overlap")
    op.execute("ALTER TABLE cooperation_agreement DROP CONSTRAINT ex_cooperation_agreement_overlap")
