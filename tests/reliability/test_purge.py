"""Point 10 of the reliability issue: ``flask --app wsgi purge`` deletes expired sessions at once,
notifications after 180 days and audit rows after two years, and keeps everything newer."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.models import AuditEntry, Notification, UserSession, utcnow
from tests.conftest import build_user


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_purge_deletes_only_what_is_past_its_retention(app: Flask, session: Session) -> None:
    user = build_user(session)
    now = utcnow()

    def sign_in(token: str, created: timedelta, seen: timedelta) -> None:
        session.add(
            UserSession(
                token_hash=token * 64,
                user_id=user.id,
                created_at=now - created,
                last_seen_at=now - seen,
            )
        )

    sign_in("a", timedelta(minutes=5), timedelta(minutes=1))  # live
    sign_in("b", timedelta(hours=2), timedelta(minutes=31))  # idle too long
    sign_in("c", timedelta(hours=13), timedelta(minutes=1))  # older than the cookie
    for age in (179, 181):
        session.add(
            Notification(user_id=user.id, kind="requests.new", created_at=now - timedelta(days=age))
        )
    for age in (729, 731):
        session.add(
            AuditEntry(
                at=now - timedelta(days=age),
                user_id=user.id,
                endpoint="enterprise.home",
                method="GET",
                action="read",
                permitted=True,
            )
        )
    session.commit()

    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged 2 sessions, 1 notifications, 1 audit rows" in result.output
    assert _count(session, UserSession) == 1
    assert _count(session, Notification) == 1
    assert _count(session, AuditEntry) == 1
    # Run again (a timer): nothing more goes.
    assert "purged 0 sessions, 0 notifications, 0 audit rows" in (
        app.test_cli_runner().invoke(args=["purge"]).output
    )
