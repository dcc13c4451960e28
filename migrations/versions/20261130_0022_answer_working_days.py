"""answer working days: the working days to the centre's first message, kept on the request

With an index for the centre report on each of its two new reads: the answer times per
enterprise, and the newest ratings' comments.

Written by hand against a database at 0020 and checked by tests/test_migrations.py. The
existing requests are filled in from their threads, a batch of requests at a time, with the
same rule the requests service applies from now on (iwemployer.requests.services: Oslo dates,
Norway's public holidays), so the centre report shows the same answer times as before.

Revision ID: 0022
Revises: 0020
Create Date: 2026-11-30 16:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from iwemployer.models.base import UTCDateTime
from iwemployer.requests.services import local_date, working_days_between

# revision identifiers, used by Alembic.
revision: str = "0022"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

# Only the columns the backfill reads and writes; UTCDateTime hands back aware datetimes on
# SQLite too.
request = sa.table(
    "employer_request",
    sa.column("id", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("answer_working_days", sa.Integer()),
)
message = sa.table(
    "request_message",
    sa.column("request_id", sa.Integer()),
    sa.column("from_centre", sa.Boolean()),
    sa.column("event", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_working_days", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_employer_request_enterprise_answer_days",
            ["enterprise_id", "answer_working_days"],
            unique=False,
        )
    with op.batch_alter_table("request_rating", schema=None) as batch_op:
        batch_op.create_index("ix_request_rating_created", ["created_at", "id"], unique=False)
    backfill(op.get_bind())


def backfill(connection: sa.Connection) -> int:
    """Set the working days on every request the centre has written in; returns how many."""
    first_answer = sa.func.min(message.c.created_at)
    last_id = 0
    done = 0
    while True:
        batch = connection.execute(
            sa.select(request.c.id, request.c.created_at, first_answer)
            .join(message, message.c.request_id == request.c.id)
            .where(
                request.c.id > last_id,
                message.c.from_centre == sa.true(),
                message.c.event.is_(None),
            )
            .group_by(request.c.id, request.c.created_at)
            .order_by(request.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return done
        connection.execute(
            request.update()
            .where(request.c.id == sa.bindparam("request_id"))
            .values(answer_working_days=sa.bindparam("days")),
            [
                {
                    "request_id": request_id,
                    "days": working_days_between(local_date(asked), local_date(answered)),
                }
                for request_id, asked, answered in batch
            ],
        )
        done += len(batch)
        last_id = batch[-1][0]


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("request_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_request_rating_created")
    with op.batch_alter_table("employer_request", schema=None) as batch_op:
        batch_op.drop_index("ix_employer_request_enterprise_answer_days")
        batch_op.drop_column("answer_working_days")
