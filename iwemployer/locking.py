"""Row locks for rules that must hold under concurrency (check, then change).

A service that checks a row's state and then changes it (or inserts rows that depend on it)
calls ``lock_row`` first; concurrent transactions then queue on that row, and the check runs on
what the winner committed. PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks, but it
has one writer at a time: a no-op UPDATE takes the database's write lock (waiting up to the busy
timeout) before the check, and the row is read again inside the now serialised transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session


def lock_row(session: Session, instance: Any) -> None:
    """Wait for and hold the lock on ``instance``'s row until commit, and reload it."""
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        table = instance.__table__
        session.execute(update(table).where(table.c.id == instance.id).values(id=table.c.id))
        session.refresh(instance)
    else:
        session.refresh(instance, with_for_update=True)
