"""plan decline: a declined plan state, and the reason an agreement was ended

* ``action_plan.status`` may be ``declined``: its named CHECK is replaced. Plans whose current,
  sent version a party declined become ``declined``; the downgrade turns them back into ``sent``.
* ``cooperation_agreement.termination_reason``: why the administrator ended it early.

Revision ID: 0010
Revises: 0012
Create Date: 2026-11-30 11:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('draft', 'sent', 'agreed')"
NEW_STATUSES = "status IN ('draft', 'sent', 'declined', 'agreed')"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_action_plan_plan_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_action_plan_plan_status"), NEW_STATUSES)
    op.execute(
        "UPDATE action_plan SET status = 'declined' WHERE status = 'sent' AND EXISTS ("
        "SELECT 1 FROM plan_confirmation c WHERE c.plan_id = action_plan.id "
        "AND c.version = action_plan.version AND c.decision = 'declined')"
    )
    with op.batch_alter_table("cooperation_agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("termination_reason", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("cooperation_agreement", schema=None) as batch_op:
        batch_op.drop_column("termination_reason")
    op.execute("UPDATE action_plan SET status = 'sent' WHERE status = 'declined'")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_action_plan_plan_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_action_plan_plan_status"), OLD_STATUSES)
