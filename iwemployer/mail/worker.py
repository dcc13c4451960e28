"""Delivering the outbox: claim due mail, render it in the recipient's language, send, retry.

Claims are conditional updates (``WHERE claimed_by IS NULL``) checked by their row count, so two
workers never send the same mail, on SQLite and PostgreSQL alike. A claim older than
``STALE_CLAIM`` belongs to a worker that died and is taken over.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
import uuid
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import babel_locale
from ..models import MailStatus, OutboxMail, User, utcnow
from ..translation import gettext as _
from . import smtp
from .links import public_url

log = logging.getLogger("iwemployer.mail")

# Minutes to wait after the n-th failed try; after the last the mail is marked failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
STALE_CLAIM = timedelta(minutes=10)
BATCH = 20
# The development thread's reminder rounds, in seconds.
REMINDERS_EVERY = 3600.0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(session: Session, worker_id: str, now: datetime, limit: int = BATCH) -> list[int]:
    """Claim up to ``limit`` due mails for ``worker_id``; the caller commits."""
    claimable = or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - STALE_CLAIM)
    due = (
        select(OutboxMail.id)
        .where(OutboxMail.status == MailStatus.WAITING, OutboxMail.due_at <= now, claimable)
        .order_by(OutboxMail.due_at, OutboxMail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = []
    for mail_id in session.scalars(due).all():
        result = session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail_id,
                OutboxMail.status == MailStatus.WAITING,
                claimable,
            )
            .values(claimed_by=worker_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(mail_id)
    return claimed


def deliver_due(app: Flask, worker_id: str, now: datetime | None = None) -> int:
    """One round: claim, send and record each due mail. Returns how many were sent."""
    now = now or utcnow()
    with db.new_session(app) as session:
        claimed = claim(session, worker_id, now)
        session.commit()
    sent = 0
    for mail_id in claimed:
        sent += _deliver_one(app, worker_id, mail_id, now)
    return sent


def _deliver_one(app: Flask, worker_id: str, mail_id: int, now: datetime) -> bool:
    with db.new_session(app) as session, app.test_request_context():
        mail = session.get_one(OutboxMail, mail_id)
        if mail.claimed_by != worker_id:
            return False
        with _in_language_of(mail.user):
            if mail.events:
                mail.subject, mail.body = render_events(mail.events)
        error = ""
        if app.config["MAIL_SERVER"]:
            message = smtp.build_message(
                app.config["MAIL_SENDER"], mail.user.email, mail.subject, mail.body
            )
            try:
                smtp.send(app.config, message)
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
        # Without a mail server (development) the mail stays in the local mailbox page.
        _record(mail, error, now)
        session.commit()
    if error:
        # Never the body in the log: it may hold a password-setting link.
        log.warning("mail %s to user %s not sent: %s", mail_id, mail.user_id, error)
        return False
    log.info("mail %s sent to user %s", mail_id, mail.user_id)
    return True


def _record(mail: OutboxMail, error: str, now: datetime) -> None:
    mail.claimed_by = None
    mail.claimed_at = None
    if not error:
        mail.status = MailStatus.SENT
        mail.sent_at = now
        mail.last_error = ""
        return
    mail.attempts += 1
    mail.last_error = error
    if mail.attempts > len(BACKOFF_MINUTES):
        mail.status = MailStatus.FAILED
    else:
        mail.due_at = now + timedelta(minutes=BACKOFF_MINUTES[mail.attempts - 1])


def render_events(events: list[dict[str, object]]) -> tuple[str, str]:
    """Subject and body for notifications: one line per kind of event and the link to the
    page, never the event's details (names, free text): those stay behind the sign-in."""
    from ..notifications.services import EVENT_MAIL

    lines: list[str] = []
    for event in events:
        setting = EVENT_MAIL.get(str(event["kind"]))
        line = (
            str(setting.line)
            if setting and setting.line
            else _("Something new on the IW employer site concerns you.")
        )
        if line not in lines:
            lines.append(line)
    url = str(events[-1].get("url") or "/notifications")
    paragraphs = [
        "\n".join(lines),
        _("Sign in to read more:") + "\n" + public_url(url),
        _("You can choose which e-mails you get under Notifications by e-mail:")
        + "\n"
        + public_url("/account/mail-settings"),
    ]
    return _("News on the IW employer site"), "\n\n".join(paragraphs) + "\n"


def _in_language_of(user: User) -> AbstractContextManager[None]:
    if user.locale in LANGUAGES:
        return force_locale(babel_locale(user.locale))
    return nullcontext()


def run_forever(
    app: Flask,
    stop: threading.Event,
    interval: float = 10.0,
    reminders_every: float | None = None,
) -> None:
    """Deliver every ``interval`` seconds until ``stop`` is set; errors are logged, not fatal.
    With ``reminders_every`` (seconds) the reminders coming due are sent that often too."""
    worker_id = new_worker_id()
    next_reminders = time.monotonic()
    while not stop.is_set():
        try:
            if reminders_every is not None and time.monotonic() >= next_reminders:
                from ..reminders.worker import send_reminders_now

                next_reminders = time.monotonic() + reminders_every
                send_reminders_now(app)
            deliver_due(app, worker_id)
        except Exception:
            # A broken round (database away) must not end the worker; the next round retries.
            log.exception("mail round failed")
        stop.wait(interval)


def start_background_worker(app: Flask) -> threading.Thread:
    """The development server's worker thread (``make run``), which also sends the reminders
    hourly (idempotent); production runs ``send-mail`` and a daily ``send-reminders`` timer."""
    thread = threading.Thread(
        target=run_forever,
        args=(app, threading.Event()),
        kwargs={"reminders_every": REMINDERS_EVERY},
        name="mail-worker",
        daemon=True,
    )
    thread.start()
    return thread
