"""Writing mail into the outbox, in the caller's transaction; choices of who wants which mail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..models import MailPreference, MailStatus, OutboxMail, User, utcnow

DEFAULT_GROUP_MINUTES = 5


def group_window() -> timedelta:
    minutes = DEFAULT_GROUP_MINUTES
    if has_app_context():
        minutes = int(current_app.config.get("MAIL_GROUP_MINUTES", minutes))
    return timedelta(minutes=minutes)


def wants_mail(session: Session, user_ids: Iterable[int], kind: str, by_default: bool) -> list[int]:
    """Those of ``user_ids`` (active) who get ``kind`` by mail: their choice, else the default."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    rows = session.execute(
        select(User.id, MailPreference.by_mail)
        .outerjoin(
            MailPreference, (MailPreference.user_id == User.id) & (MailPreference.kind == kind)
        )
        .where(User.id.in_(ids), User.active.is_(True))
        .order_by(User.id)
    )
    return [user_id for user_id, by_mail in rows if (by_default if by_mail is None else by_mail)]


def queue_notification_mail(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    *,
    url: str,
    params: dict[str, str],
    by_default: bool,
    now: datetime | None = None,
) -> list[OutboxMail]:
    """One waiting mail per recipient and subject (the page ``url``): an event within the
    grouping window joins the mail still waiting; the worker sends it when the window ends."""
    now = now or utcnow()
    event: dict[str, object] = {"kind": kind, "params": params, "url": url}
    recipients = wants_mail(session, user_ids, kind, by_default)
    waiting = _waiting_by_user(session, recipients, url, now) if url and recipients else {}
    rows = []
    for user_id in recipients:
        row = waiting.get(user_id)
        if row is None or not _join(session, row, event):
            row = OutboxMail(
                user_id=user_id,
                group_key=url[:100],
                events=[event],
                created_at=now,
                due_at=now + group_window(),
            )
            session.add(row)
        rows.append(row)
    return rows


def _waiting_by_user(
    session: Session, user_ids: list[int], url: str, now: datetime
) -> dict[int, OutboxMail]:
    """Each recipient's mail about ``url`` still open for more events, in one statement."""
    rows = session.scalars(
        select(OutboxMail)
        .where(
            OutboxMail.user_id.in_(user_ids),
            OutboxMail.group_key == url[:100],
            OutboxMail.status == MailStatus.WAITING,
            OutboxMail.claimed_by.is_(None),
            OutboxMail.due_at > now,
        )
        .order_by(OutboxMail.id)
    )
    return {row.user_id: row for row in rows}


def _join(session: Session, row: OutboxMail, event: dict[str, object]) -> bool:
    # Conditional: a worker that claimed the mail meanwhile wins, and the event gets a new mail.
    joined = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == row.id, OutboxMail.claimed_by.is_(None))
        .values(events=[*row.events, event])
        .execution_options(synchronize_session=False)
    )
    if joined.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # The database has it already; the loaded row learns it without another UPDATE.
    set_committed_value(row, "events", [*row.events, event])
    return True


def queue_mail(session: Session, user: User, subject: str, body: str) -> OutboxMail:
    """A mail written now (its link exists only now, such as an invitation), sent at once."""
    row = OutboxMail(user_id=user.id, subject=subject[:200], body=body)
    session.add(row)
    return row


def mail_choices(session: Session, user_id: int, defaults: dict[str, bool]) -> dict[str, bool]:
    """Every registered kind and whether this user gets it by mail."""
    chosen: dict[str, bool] = {
        kind: by_mail
        for kind, by_mail in session.execute(
            select(MailPreference.kind, MailPreference.by_mail).where(
                MailPreference.user_id == user_id
            )
        )
    }
    return {kind: chosen.get(kind, default) for kind, default in defaults.items()}


def save_choices(session: Session, user_id: int, choices: dict[str, bool]) -> None:
    existing = {
        p.kind: p
        for p in session.scalars(select(MailPreference).where(MailPreference.user_id == user_id))
    }
    for kind, by_mail in choices.items():
        if kind in existing:
            existing[kind].by_mail = by_mail
        else:
            session.add(MailPreference(user_id=user_id, kind=kind, by_mail=by_mail))


def resend(session: Session, mail_id: int, now: datetime | None = None) -> bool:
    """Put a failed mail back in the queue, due now, with a fresh count of tries."""
    done = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.FAILED)
        .values(
            status=MailStatus.WAITING,
            attempts=0,
            due_at=now or utcnow(),
            claimed_by=None,
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]
