"""The outbox and its worker against a real SMTP server on loopback."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from iwemployer.extensions import db
from iwemployer.mail import outbox
from iwemployer.mail.worker import BACKOFF_MINUTES, claim, deliver_due
from iwemployer.models import MailPreference, MailStatus, OutboxMail, UserKind, utcnow
from iwemployer.notifications.services import notify, register_event
from tests.conftest import SmtpServer, build_user

register_event("test.act", "Act on %(thing)s", mail_default=True, mail_line="Please act.")
register_event("test.fyi", "For your information: %(thing)s")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mails(session: Session) -> list[OutboxMail]:
    session.expire_all()
    return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_a_notification_that_needs_action_is_mailed_without_its_details(
    app: Flask, session: Session, smtp_server: SmtpServer
) -> None:
    user = build_user(session, locale="en")
    notify(session, [user.id], "test.act", url="/plans/7", params={"thing": "Kari's sick leave"})
    session.commit()
    [mail] = smtp_server.deliver()
    assert mail["To"] == user.email
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Please act." in text and "http://localhost/plans/7" in text
    assert '<a href="http://localhost/plans/7">' in html
    assert "Kari" not in text and "Kari" not in html


def test_the_mail_is_in_the_recipients_language(
    app: Flask, session: Session, smtp_server: SmtpServer
) -> None:
    nb = build_user(session, locale="nb")
    nn = build_user(session, locale="nn")
    notify(session, [nb.id, nn.id], "test.fyi", url="/x", params={"thing": "y"})
    session.commit()
    # Off by default: nothing is queued until the user asks for it.
    assert _mails(session) == []
    outbox.save_choices(session, nb.id, {"test.fyi": True})
    outbox.save_choices(session, nn.id, {"test.fyi": True})
    notify(session, [nb.id, nn.id], "test.fyi", url="/x", params={"thing": "y"})
    session.commit()
    subjects = {m["To"]: m["Subject"] for m in smtp_server.deliver()}
    assert subjects == {
        nb.email: "Nytt på IA-arbeidsgiversiden",
        nn.email: "Nytt på IA-arbeidsgivarsida",
    }


def test_a_user_can_turn_off_mail_that_is_on_by_default(app: Flask, session: Session) -> None:
    user = build_user(session)
    session.add(MailPreference(user_id=user.id, kind="test.act", by_mail=False))
    notify(session, [user.id], "test.act", url="/x", params={"thing": "y"})
    session.commit()
    assert _mails(session) == []


def test_events_about_one_subject_within_the_window_become_one_mail(
    app: Flask, session: Session
) -> None:
    user = build_user(session)
    start = utcnow()
    with app.app_context():
        window = outbox.group_window()
        for minute in (0, 1, 2):
            outbox.queue_notification_mail(
                session,
                [user.id],
                "test.act",
                url="/plans/1",
                params={},
                by_default=True,
                now=start + timedelta(minutes=minute),
            )
            session.flush()
        outbox.queue_notification_mail(
            session,
            [user.id],
            "test.act",
            url="/requests/2",
            params={},
            by_default=True,
            now=start,
        )
        # After the window the next event starts a new mail.
        outbox.queue_notification_mail(
            session,
            [user.id],
            "test.act",
            url="/plans/1",
            params={},
            by_default=True,
            now=start + window + timedelta(seconds=1),
        )
    session.commit()
    mails = _mails(session)
    assert [(m.group_key, len(m.events)) for m in mails] == [
        ("/plans/1", 3),
        ("/requests/2", 1),
        ("/plans/1", 1),
    ]
    # The worker sends a grouped mail only when its window has ended.
    with db.new_session(app) as s:
        assert claim(s, "w", start + window - timedelta(seconds=1)) == []
        assert claim(s, "w", start + window) == [mails[0].id, mails[1].id]
        s.rollback()


def test_when_the_server_is_down_nothing_is_lost_and_the_mail_is_delivered_later(
    app: Flask, session: Session, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = build_user(session)
    outbox.queue_mail(session, user, "Subject", "Body\n")
    session.commit()
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    now = utcnow()
    for attempt, minutes in enumerate(BACKOFF_MINUTES, start=1):
        assert deliver_due(app, "w", now) == 0
        [mail] = _mails(session)
        assert (mail.status, mail.attempts) == (MailStatus.WAITING, attempt)
        assert mail.due_at == now + timedelta(minutes=minutes)
        # Not due again before the backoff has passed.
        assert deliver_due(app, "w", now + timedelta(minutes=minutes, seconds=-1)) == 0
        now = mail.due_at
    assert deliver_due(app, "w", now) == 0
    [mail] = _mails(session)
    assert mail.status == MailStatus.FAILED and "ConnectionRefused" in mail.last_error

    # The administrator sends it again once the server is back.
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    assert outbox.resend(session, mail.id, now)
    session.commit()
    assert deliver_due(app, "w", now) == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Subject"]
    assert _mails(session)[0].status == MailStatus.SENT


def test_two_workers_at_once_send_each_mail_exactly_once(
    app: Flask, session: Session, smtp_server: SmtpServer
) -> None:
    users = [build_user(session) for _ in range(3)]
    for n in range(30):
        outbox.queue_mail(session, users[n % 3], f"Mail {n}", "Body\n")
    session.commit()
    start = threading.Barrier(2)
    counts: list[int] = []

    def work(name: str) -> None:
        start.wait()
        total = 0
        while sent := deliver_due(app, name):
            total += sent
        counts.append(total)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Mail {n}" for n in range(30))
    assert sum(counts) == 30
    assert all(m.status == MailStatus.SENT for m in _mails(session))


def test_a_claim_left_by_a_dead_worker_is_taken_over(app: Flask, session: Session) -> None:
    user = build_user(session)
    mail = outbox.queue_mail(session, user, "S", "B\n")
    session.commit()
    now = utcnow()
    with db.new_session(app) as s:
        assert claim(s, "dead", now) == [mail.id]
        s.commit()
        assert claim(s, "other", now + timedelta(minutes=1)) == []
        assert claim(s, "other", now + timedelta(minutes=11)) == [mail.id]
        s.rollback()


def test_an_inactive_user_gets_no_mail(app: Flask, session: Session) -> None:
    user = build_user(session, kind=UserKind.EMPLOYER, active=False)
    notify(session, [user.id], "test.act", url="/x", params={"thing": "y"})
    session.commit()
    assert _mails(session) == []
