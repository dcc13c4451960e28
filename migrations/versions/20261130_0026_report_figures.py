"""report figures: the centre report's rows kept per enterprise, and triggers that mark them stale

The centre report read all of a centre's plans, activities, requests and ratings on every page
(89 ms at 100× the demo data, 2.7× its time at 1×). Its rows are now kept per enterprise
(report_figures, with the histogram report_answer_days), so a page reads a
page. Triggers on every table the figures are made from append the enterprise to report_stale on
insert, on delete and on update of the columns the figures use; the report brings the stale
enterprises up to date before it reads (iwemployer.statistics.report.refresh). The same SQL
serves both databases: a PostgreSQL trigger function per table, three SQLite triggers per table.

Every existing enterprise starts stale (`flask migrate` then fills their figures). With a
partial index for the report's newest comments: most ratings have none, and the report passed
over every blank one (5,940 at 100× the demo data) to find them; it replaces the index of every
rating by time (0022), which only that read used.

Written by hand (the tables from autogenerate) and checked by tests/test_migrations.py.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 22:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENTED = "trim(comment, ' \t\r\n') <> ''"

# Per table: the enterprise a row belongs to (an SQL expression of the row, ``{row}``), and the
# columns whose update changes the figures (None: any column).
SOURCES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "enterprise": ("{row}.id", ()),
    "enterprise_quarter": ("{row}.enterprise_id", None),
    "cooperation_agreement": ("{row}.enterprise_id", ("enterprise_id", "start_date")),
    "action_plan": ("{row}.enterprise_id", ("enterprise_id", "status", "period_start")),
    "plan_theme": (
        "(SELECT enterprise_id FROM action_plan WHERE id = {row}.plan_id)",
        ("plan_id",),
    ),
    "plan_activity": (
        "(SELECT p.enterprise_id FROM plan_theme t JOIN action_plan p ON p.id = t.plan_id"
        " WHERE t.id = {row}.theme_id)",
        ("theme_id", "status", "end_date"),
    ),
    "employer_request": ("{row}.enterprise_id", ("enterprise_id", "answer_working_days")),
    "request_rating": (
        "(SELECT enterprise_id FROM employer_request WHERE id = {row}.request_id)",
        ("request_id", "score"),
    ),
    "booking": ("{row}.enterprise_id", ("enterprise_id", "attended")),
    "attendance_count": ("{row}.enterprise_id", ("enterprise_id", "attended")),
    "subsidy_application": ("{row}.enterprise_id", ("enterprise_id", "status", "granted_amount")),
}


def _mark(expression: str) -> str:
    # Only an enterprise that exists: a row deleted with its enterprise marks nothing.
    # The expression is one of SOURCES' constants, never input.
    marked = "INSERT INTO report_stale (enterprise_id) SELECT id FROM enterprise WHERE id = "
    return f"{marked}{expression};"


def _create_triggers(dialect: str) -> None:
    for table, (enterprise, columns) in SOURCES.items():
        new, old = enterprise.format(row="NEW"), enterprise.format(row="OLD")
        if dialect == "postgresql":
            op.execute(
                f"""CREATE FUNCTION report_stale_{table}() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_mark(old)} END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_mark(new)} END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
            )
            events = ["INSERT", "DELETE"]
            if columns is None:
                events.append("UPDATE")
            elif columns:
                events.append(f"UPDATE OF {', '.join(columns)}")
            op.execute(
                f"CREATE TRIGGER report_stale_{table} AFTER {' OR '.join(events)} ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION report_stale_{table}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER report_stale_{table}_insert AFTER INSERT ON {table}"
                f" BEGIN {_mark(new)} END"
            )
            op.execute(
                f"CREATE TRIGGER report_stale_{table}_delete AFTER DELETE ON {table}"
                f" BEGIN {_mark(old)} END"
            )
            if columns != ():
                of = f" OF {', '.join(columns)}" if columns else ""
                op.execute(
                    f"CREATE TRIGGER report_stale_{table}_update AFTER UPDATE{of} ON {table}"
                    f" BEGIN {_mark(old)} {_mark(new)} END"
                )


def _drop_triggers(dialect: str) -> None:
    for table in SOURCES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER report_stale_{table} ON {table}")
            op.execute(f"DROP FUNCTION report_stale_{table}()")
        else:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS report_stale_{table}_{event}")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "report_figures",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("latest_year", sa.Integer(), nullable=True),
        sa.Column("latest_quarter", sa.Integer(), nullable=True),
        sa.Column("latest_lost", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("latest_possible", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("latest_graded", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("latest_short", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("latest_employees", sa.Integer(), nullable=True),
        sa.Column("start_lost", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("start_possible", sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column("change_points", sa.Numeric(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column(
            "plan_status",
            sa.Enum(
                "draft",
                "sent",
                "declined",
                "agreed",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("plan_done", sa.Integer(), nullable=False),
        sa.Column("plan_overdue", sa.Integer(), nullable=False),
        sa.Column("plan_total", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("score_1", sa.Integer(), nullable=False),
        sa.Column("score_2", sa.Integer(), nullable=False),
        sa.Column("score_3", sa.Integer(), nullable=False),
        sa.Column("score_4", sa.Integer(), nullable=False),
        sa.Column("score_5", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("granted", sa.BigInteger(), nullable=False),
        sa.Column("rate_key", sa.Float(), nullable=True),
        sa.Column("graded_key", sa.Float(), nullable=True),
        sa.Column("answer_days_key", sa.Float(), nullable=True),
        sa.Column("rating_key", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_report_figures_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enterprise_id", name=op.f("pk_report_figures")),
    )
    op.create_table(
        "report_answer_days",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["report_figures.enterprise_id"],
            name=op.f("fk_report_answer_days_enterprise_id_report_figures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enterprise_id", "days", name=op.f("pk_report_answer_days")),
    )
    op.create_table(
        "report_stale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_report_stale_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_stale")),
    )
    with op.batch_alter_table("report_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_figures_expires_on"), ["expires_on"], unique=False
        )
    with op.batch_alter_table("report_stale", schema=None) as batch_op:
        batch_op.create_index("ix_report_stale_enterprise", ["enterprise_id"], unique=False)
    # The newest comments that are not blank (most ratings have none), as the report reads them;
    # the index of every rating by time, which it read before, serves nothing else.
    op.drop_index("ix_request_rating_created", table_name="request_rating")
    op.create_index(
        "ix_request_rating_commented",
        "request_rating",
        ["created_at", "id"],
        unique=False,
        postgresql_where=sa.text(COMMENTED),
        sqlite_where=sa.text(COMMENTED),
    )
    _create_triggers(op.get_bind().dialect.name)
    op.execute("INSERT INTO report_stale (enterprise_id) SELECT id FROM enterprise")


def downgrade() -> None:
    """Downgrade schema."""
    _drop_triggers(op.get_bind().dialect.name)
    op.drop_index("ix_request_rating_commented", table_name="request_rating")
    op.create_index(
        "ix_request_rating_created", "request_rating", ["created_at", "id"], unique=False
    )
    with op.batch_alter_table("report_stale", schema=None) as batch_op:
        batch_op.drop_index("ix_report_stale_enterprise")
    with op.batch_alter_table("report_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_figures_expires_on"))

    op.drop_table("report_stale")
    op.drop_table("report_answer_days")
    op.drop_table("report_figures")
