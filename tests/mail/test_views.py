"""Mail settings, the local mailboxes and the administrator's outbox over HTTP."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from iwemployer.mail import outbox
from iwemployer.models import MailPreference, MailStatus, OutboxMail
from tests.conftest import WebClient, World
from tests.statements import count_statements


def test_mail_settings_show_every_kind_with_its_default_and_save_the_choice(
    client: WebClient, world: World, session: Session
) -> None:
    user = world.user("leder@nordlys.example")
    client.login_as(user)
    page = client.get("/account/mail-settings").text
    assert "Varsler på e-post" in page
    assert 'value="plan.sent" checked' in page
    assert 'value="plan.commented" >' in page or 'value="plan.commented">' in page
    response = client.post("/account/mail-settings", {"by_mail": ["plan.commented"]})
    assert response.status_code == 303
    chosen = dict(
        (p.kind, p.by_mail)
        for p in session.scalars(select(MailPreference).where(MailPreference.user_id == user.id))
    )
    assert chosen["plan.commented"] is True and chosen["plan.sent"] is False


def test_own_mailbox_shows_only_the_users_own_mail(
    client: WebClient, world: World, session: Session
) -> None:
    manager = world.user("leder@nordlys.example")
    other = world.user("verneombud@nordlys.example")
    outbox.queue_mail(session, manager, "Til lederen", "Hei\n\nhttp://localhost/x\n")
    outbox.queue_mail(session, other, "Til verneombudet", "Hei\n")
    session.commit()
    client.login_as(manager)
    page = client.get("/account/mailbox").text
    assert "Til lederen" in page and "Til verneombudet" not in page
    assert '<a href="http://localhost/x"' in page


def test_mailboxes_are_not_found_in_production(
    app: Flask, client: WebClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.login_as(world.user("admin@nav.example"))
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    assert client.get("/account/mailbox").status_code == 404
    assert client.get("/admin/mailbox").status_code == 404
    assert client.get("/admin/outbox").status_code == 200


def test_the_administrator_sees_why_mail_failed_and_sends_it_again(
    client: WebClient, world: World, session: Session
) -> None:
    mail = outbox.queue_mail(session, world.user("leder@nordlys.example"), "S", "B\n")
    mail.status, mail.attempts, mail.last_error = MailStatus.FAILED, 6, "SMTPAuthenticationError"
    session.commit()
    client.login_as(world.user("admin@nav.example"))
    page = client.get("/admin/outbox").text
    assert "SMTPAuthenticationError" in page and "Send på nytt" in page
    assert client.post(f"/admin/outbox/{mail.id}/resend").status_code == 303
    session.expire_all()
    again = session.get_one(OutboxMail, mail.id)
    assert (again.status, again.attempts) == (MailStatus.WAITING, 0)
    # Sending again a mail that is not failed changes nothing.
    assert client.post(f"/admin/outbox/{mail.id}/resend").status_code == 303
    assert client.post("/admin/outbox/999999/resend").status_code == 303


def test_mailbox_pages_take_a_fixed_number_of_statements(
    app: Flask, client: WebClient, world: World, session: Session
) -> None:
    client.login_as(world.user("admin@nav.example"))
    counts = []
    for _ in range(2):
        for user in (world.user("leder@nordlys.example"), world.user("bht@helsepartner.example")):
            outbox.queue_mail(session, user, "S", "B\n")
        session.commit()
        with count_statements(app) as counted:
            assert client.get("/admin/mailbox").status_code == 200
        with count_statements(app) as counted_outbox:
            assert client.get("/admin/outbox").status_code == 200
        counts.append((counted.count, counted_outbox.count))
    assert counts[0] == counts[1]
