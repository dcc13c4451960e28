"""action plans: plans, themes, activities, versions, confirmations, timeline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:51:36.529407

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "action_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "agreed",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sick_leave_target_pct", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("sick_leave_baseline_pct", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("goals_revision", sa.Integer(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("period_end > period_start", name=op.f("ck_action_plan_period_ordered")),
        sa.CheckConstraint(
            "sick_leave_baseline_pct IS NULL OR (sick_leave_baseline_pct >= 0 AND sick_leave_baseline_pct <= 100)",
            name=op.f("ck_action_plan_baseline_pct_range"),
        ),
        sa.CheckConstraint(
            "sick_leave_target_pct IS NULL OR (sick_leave_target_pct >= 0 AND sick_leave_target_pct <= 100)",
            name=op.f("ck_action_plan_target_pct_range"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_action_plan_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_action_plan_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_action_plan_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_action_plan_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan")),
        sa.UniqueConstraint(
            "enterprise_id", "period_start", name=op.f("uq_action_plan_enterprise_id_period_start")
        ),
    )
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "plan_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "manager",
                "safety_delegate",
                "union_rep",
                "occupational_health",
                name="member_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "confirmed",
                "declined",
                name="decision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision = 'confirmed' OR reason != ''",
            name=op.f("ck_plan_confirmation_decline_has_reason"),
        ),
        sa.CheckConstraint(
            "role IN ('manager', 'safety_delegate', 'union_rep')",
            name=op.f("ck_plan_confirmation_role_is_party"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["action_plan.id"],
            name=op.f("fk_plan_confirmation_plan_id_action_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_confirmation_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_confirmation")),
        sa.UniqueConstraint(
            "plan_id", "version", "role", name=op.f("uq_plan_confirmation_plan_id_version_role")
        ),
    )
    with op.batch_alter_table("plan_confirmation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_confirmation_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["action_plan.id"],
            name=op.f("fk_plan_theme_plan_id_action_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_theme")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("plan_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_theme_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_version_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["action_plan.id"],
            name=op.f("fk_plan_version_plan_id_action_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("plan_id", "version", name=op.f("uq_plan_version_plan_id_version")),
    )
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_version_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "responsible",
            sa.Enum(
                "manager",
                "safety_delegate",
                "union_rep",
                "occupational_health",
                "centre",
                "labour_inspectorate",
                name="responsible",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "cancelled",
                name="activity_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("training_session_id", sa.Integer(), nullable=True),
        sa.Column("subsidy_application_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_plan_activity_dates_ordered")),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["plan_theme.id"],
            name=op.f("fk_plan_activity_theme_id_plan_theme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_activity_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("plan_activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_activity_end_date_status", ["end_date", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_activity_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "plan_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "created",
                "comment",
                "status",
                "sent",
                "new_version",
                "confirmed",
                "declined",
                "agreed",
                name="plan_event_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("activity_title", sa.String(length=200), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "cancelled",
                name="from_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "cancelled",
                name="to_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_plan_event_activity_id_plan_activity"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["action_plan.id"],
            name=op.f("fk_plan_event_plan_id_action_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_event_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_event")),
    )
    with op.batch_alter_table("plan_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_event_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index("ix_plan_event_plan_at", ["plan_id", "at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("plan_event", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_event_plan_at")
        batch_op.drop_index(batch_op.f("ix_plan_event_activity_id"))

    op.drop_table("plan_event")
    with op.batch_alter_table("plan_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_activity_theme_id"))
        batch_op.drop_index("ix_plan_activity_end_date_status")

    op.drop_table("plan_activity")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_version_plan_id"))

    op.drop_table("plan_version")
    with op.batch_alter_table("plan_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_theme_plan_id"))

    op.drop_table("plan_theme")
    with op.batch_alter_table("plan_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_confirmation_plan_id"))

    op.drop_table("plan_confirmation")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_enterprise_id"))

    op.drop_table("action_plan")
