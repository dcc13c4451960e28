"""Retention: what is deleted when, run by ``flask --app wsgi purge`` from a daily timer.

Sign-in sessions go as soon as they have expired; notifications and audit rows after the
periods in the settings (``IWEMPLOYER_RETENTION_NOTIFICATION_DAYS``,
``IWEMPLOYER_RETENTION_AUDIT_DAYS``), which the README states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from .models import AuditEntry, Notification, UserSession, utcnow


@dataclass(frozen=True)
class Retention:
    session_idle: timedelta
    session_lifetime: timedelta
    notifications: timedelta
    audit: timedelta


@dataclass(frozen=True)
class Purged:
    sessions: int
    notifications: int
    audit_entries: int


def purge(session: Session, retention: Retention, now: datetime | None = None) -> Purged:
    """Delete what is past its retention; the caller commits."""
    now = now or utcnow()
    sessions = session.execute(
        delete(UserSession).where(
            or_(
                UserSession.last_seen_at < now - retention.session_idle,
                UserSession.created_at < now - retention.session_lifetime,
            )
        )
    )
    notifications = session.execute(
        delete(Notification).where(Notification.created_at < now - retention.notifications)
    )
    audit = session.execute(delete(AuditEntry).where(AuditEntry.at < now - retention.audit))
    return Purged(
        sessions=sessions.rowcount,  # type: ignore[attr-defined]
        notifications=notifications.rowcount,  # type: ignore[attr-defined]
        audit_entries=audit.rowcount,  # type: ignore[attr-defined]
    )
